import type { EmulatorRequest, Handler } from './http.js';

/** One route: a method and a path pattern whose named groups become request params. */
export interface Route {
  readonly method: string;
  /** Matched against the whole decoded path; ARM routes use the `i` flag, as ARM does. */
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** A route that matched, with the params it captured. */
export interface RouteMatch {
  readonly handler: Handler;
  readonly params: Record<string, string>;
}

/** Finds the route for a request, or undefined when none matches. */
export function matchRoute(
  routes: readonly Route[],
  request: Pick<EmulatorRequest, 'method' | 'url'>,
): RouteMatch | undefined {
  const path = decodePath(request.url.pathname);
  for (const route of routes) {
    if (route.method !== request.method) {
      continue;
    }
    const match = route.pattern.exec(path);
    if (match) {
      return { handler: route.handler, params: { ...match.groups } };
    }
  }
  return undefined;
}

/** A path pattern from a template such as `/users/{userId}/manager` (segments never span `/`). */
export function pathPattern(template: string, flags = ''): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name ? `(?<${name}>[^/]+)` : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`, flags);
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
