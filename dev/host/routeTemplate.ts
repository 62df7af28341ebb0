/** A Functions route template such as `requests/{id}/approve`, compiled for matching. */
export interface RouteTemplate {
  readonly template: string;
  /** The route parameters of `path` if it matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

/** Compiles a route template; `{name}` matches one non-empty path segment. */
export function compileRoute(template: string): RouteTemplate {
  const segments = template.split('/');
  return {
    template,
    match(path) {
      const parts = path.split('/');
      if (parts.length !== segments.length) {
        return undefined;
      }
      const params: Record<string, string> = {};
      for (const [index, segment] of segments.entries()) {
        const part = parts[index] as string;
        const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (parameter) {
          if (part === '') {
            return undefined;
          }
          params[parameter] = safeDecode(part);
        } else if (segment.toLowerCase() !== part.toLowerCase()) {
          return undefined;
        }
      }
      return params;
    },
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
