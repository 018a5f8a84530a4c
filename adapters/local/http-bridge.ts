import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest, HttpResponse } from '../../src/index.js';
import { createHttpRequest, encodeResponseBody, requestTarget } from '../../src/index.js';

/** Headers the transport computes itself; a handler's values for them are ignored. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'content-type']);

/** Turn a Node request and its fully read body into a neutral {@link HttpRequest}. */
export function toHttpRequest(req: IncomingMessage, body: Uint8Array, requestId: string): HttpRequest {
  const url = requestTarget(req.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return createHttpRequest({
    id: requestId,
    method: req.method ?? 'GET',
    path: url.pathname,
    // Later values win for repeated keys, as the HttpRequest contract says.
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    source: 'polyfaas://local/http',
    raw: req,
  });
}

/** The path of a Node request, without its query string. */
export function requestPath(req: IncomingMessage): string {
  return requestTarget(req.url).pathname;
}

/**
 * Write a handler's response exactly as the cloud adapters encode it. Throws
 * (before anything is sent) if the handler produced an invalid status or header.
 */
export function writeHttpResponse(res: ServerResponse, response: HttpResponse, extraHeaders: Record<string, string> = {}): void {
  const { body, contentType } = encodeResponseBody(response);
  const headers: Record<string, string> = { ...extraHeaders };
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  // 1xx, 204 and 304 responses cannot carry a body.
  const bodyless = response.status < 200 || response.status === 204 || response.status === 304;
  if (contentType && !bodyless) headers['content-type'] = contentType;
  if (!bodyless) headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(bodyless ? undefined : body);
}
