import type { Request, Response } from '@google-cloud/functions-framework';
import type { HttpRequest, HttpResponse } from '../../src/index.js';
import { createHttpRequest, encodeResponseBody, requestTarget } from '../../src/index.js';

/** Headers the transport computes itself; a handler's values for them are ignored. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'content-type']);

/**
 * The request body exactly as sent. The Functions Framework parses bodies
 * (JSON, text, forms) before the function runs and keeps the bytes in
 * `req.rawBody`; a body it did not parse (no `Content-Type`) is still unread,
 * so we read it here, stopping just past `limit` (the runtime answers 413).
 */
export async function readRequestBody(req: Request, limit: number): Promise<Uint8Array> {
  if (req.rawBody) return new Uint8Array(req.rawBody.buffer, req.rawBody.byteOffset, req.rawBody.byteLength);
  if (req.readableEnded || req.complete) return new Uint8Array();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > limit) break;
  }
  return Buffer.concat(chunks, size);
}

/** An Express request from the Functions Framework as a neutral {@link HttpRequest}. */
export function toHttpRequest(req: Request, body: Uint8Array, requestId: string, path: string): HttpRequest {
  const url = requestTarget(req.originalUrl || req.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return createHttpRequest({
    id: requestId,
    method: req.method,
    path,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    source: 'polyfaas://gcp/http',
    raw: req,
  });
}

/** The undecoded path of a request, as the router expects it (`//a/b` is a path, not a host). */
export function requestPath(req: Request): string {
  return requestTarget(req.originalUrl || req.url).pathname;
}

/** Send a handler's response through Express, bytes untouched. */
export function writeHttpResponse(res: Response, response: HttpResponse): void {
  const { body, contentType } = encodeResponseBody(response);
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) res.setHeader(name.toLowerCase(), value);
  }
  const bodyless = response.status < 200 || response.status === 204 || response.status === 304;
  res.status(response.status);
  if (bodyless) {
    res.end();
    return;
  }
  if (contentType) res.setHeader('content-type', contentType);
  res.setHeader('content-length', String(body.byteLength));
  res.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

