const tokenPath = /\/api\/shareable-url\/([^/?#]+)$/;

/** The token of a Bastion shareable link (the last segment after `/api/shareable-url/`). */
export function tryParseLinkToken(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const token = tokenPath.exec(pathname)?.[1];
  return token && /^[\w.~-]{1,256}$/.test(token) ? token : undefined;
}
