import type { HttpRequest as AzureHttpRequest, HttpResponseInit } from '@azure/functions';
import type { HttpRequest, HttpResponse } from '../../src/index.js';
import { createHttpRequest, encodeResponseBody } from '../../src/index.js';

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
 * A neutral response as Azure's `HttpResponseInit`. Bodies always go out as
 * bytes, so binary responses (images, shards) are never re-encoded as text.
 */
export function toAzureResponse(response: HttpResponse): HttpResponseInit {
  const { body, contentType } = encodeResponseBody(response);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  if (contentType) headers['content-type'] = contentType;
  return { status: response.status, headers, body };
}
