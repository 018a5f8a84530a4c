import type { HttpRequest as AzureHttpRequest, Cookie, HttpResponseInit } from '@azure/functions';
import type { HttpRequest } from '../../src/index.js';
import type { EncodedHttpResponse } from '../../src/adapter.js';
import { createHttpRequest } from '../../src/index.js';

/**
 * An Azure `HttpRequest` as a neutral request. The path is the URL path with
 * the host's `routePrefix` removed, so the app routes exactly as elsewhere;
 * the body is read whole (the runtime enforces the size limit) and kept as bytes.
 */
export async function fromAzureRequest(request: AzureHttpRequest, options: { routePrefix: string; requestId: string }): Promise<HttpRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  const query: Record<string, string> = {};
  request.query.forEach((value, name) => (query[name] = value));
  const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
  return createHttpRequest({
    id: options.requestId,
    source: `${url.protocol}//${url.host}`,
    method: request.method,
    path: stripRoutePrefix(url.pathname, options.routePrefix),
    query,
    headers,
    body,
    raw: request,
  });
}

/** `/api/items/1` with prefix `api` → `/items/1`. */
export function stripRoutePrefix(pathname: string, routePrefix: string): string {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
  if (!prefix) return pathname;
  const head = `/${prefix}`;
  if (pathname === head) return '/';
  return pathname.startsWith(`${head}/`) ? pathname.slice(head.length) : pathname;
}

/**
 * An encoded response as Azure's `HttpResponseInit`. Bodies always go out as
 * bytes, so binary responses (images, shards) are never re-encoded as text.
 * The worker turns `headers` into a map (one value per name), so cookies travel
 * in `cookies`, which the host writes as one `Set-Cookie` line each.
 */
export function toAzureResponse(encoded: EncodedHttpResponse): HttpResponseInit {
  const headers: Record<string, string> = { ...encoded.headers };
  const cookies = encoded.cookies.map(parseSetCookie).filter((c): c is Cookie => c !== undefined);
  return { status: encoded.status, headers, body: encoded.body, ...(cookies.length > 0 ? { cookies } : {}) };
}

/**
 * A `Set-Cookie` line as Azure's structured `Cookie`. Attributes Azure cannot
 * express (`Partitioned`, `Priority`, extensions) are dropped; a line without
 * `name=` is not a cookie and is skipped.
 */
export function parseSetCookie(line: string): Cookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'domain') cookie.domain = value;
    else if (key === 'path') cookie.path = value;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) cookie.maxAge = Number(value);
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) cookie.expires = new Date(value);
    else if (key === 'samesite') {
      const same = value.toLowerCase();
      if (same === 'strict' || same === 'lax' || same === 'none') cookie.sameSite = same === 'strict' ? 'Strict' : same === 'lax' ? 'Lax' : 'None';
    }
  }
  return cookie;
}
