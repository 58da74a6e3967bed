// Just enough of a browser's cookie store for one sign-in against one host: name, value
// and path; expired or emptied cookies are dropped.
interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface CookieJar {
  // The Cookie header for a request to this path, or undefined when none applies.
  headerFor(path: string): string | undefined;
  store(setCookieHeaders: readonly string[]): void;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function isRemoval(value: string, attributes: Map<string, string>): boolean {
  if (value === '') return true;
  const maxAge = attributes.get('max-age');
  if (maxAge !== undefined && Number(maxAge) <= 0) return true;
  const expires = attributes.get('expires');
  return expires !== undefined && Date.parse(expires) <= Date.now();
}

function parseSetCookie(header: string): { cookie: StoredCookie; removal: boolean } | undefined {
  const [pair = '', ...rest] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals <= 0) return undefined;
  const attributes = new Map(rest.map((part) => {
    const [key = '', ...value] = part.trim().split('=');
    return [key.toLowerCase(), value.join('=')] as const;
  }));
  const value = pair.slice(equals + 1).trim();
  const cookie = { name: pair.slice(0, equals).trim(), value, path: attributes.get('path') || '/' };
  return { cookie, removal: isRemoval(value, attributes) };
}

export function createCookieJar(): CookieJar {
  const cookies = new Map<string, StoredCookie>();
  return {
    headerFor(path) {
      const matching = [...cookies.values()].filter((cookie) => pathMatches(path, cookie.path));
      return matching.length > 0 ? matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') : undefined;
    },
    store(setCookieHeaders) {
      for (const header of setCookieHeaders) {
        const parsed = parseSetCookie(header);
        if (!parsed) continue;
        const key = `${parsed.cookie.name}\u0000${parsed.cookie.path}`;
        if (parsed.removal) cookies.delete(key);
        else cookies.set(key, parsed.cookie);
      }
    },
  };
}
