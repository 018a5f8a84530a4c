import type { HttpRequestInit } from '../events/http.js';
import type { HttpResult } from '../runtime/http-result.js';
import { toHttpResult } from '../runtime/http-result.js';

/**
 * Send a conformance-suite request to a real server over HTTP and read the
 * answer back as an {@link HttpResult}: what a runtime harness with a network
 * transport needs for `RunningApp.http`.
 *
 * @example
 * ```ts
 * http: (init) => fetchHttp(server.url, init),
 * ```
 */
export async function fetchHttp(baseUrl: string, init: HttpRequestInit): Promise<HttpResult> {
  const url = new URL(init.path, baseUrl);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const headers: Record<string, string | string[]> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  // Headers joins nothing else but lists cookies apart: keep each one.
  const cookies = res.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return toHttpResult(res.status, headers, new Uint8Array(await res.arrayBuffer()));
}
