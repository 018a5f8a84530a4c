import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { HttpRequest, HttpResponse } from '../events/http.js';
import { createHttpRequest } from '../events/http.js';
import { requestTarget } from '../events/provider-fields.js';
import type { Logger } from '../logger.js';
import type { EncodedHttpResponse } from './http-encode.js';
import { encodeHttpResponse } from './http-encode.js';

/**
 * The one bridge between Node's `http` module and neutral requests and
 * responses. The local server and the Functions Framework (whose Express
 * `req`/`res` are Node's `IncomingMessage`/`ServerResponse`) both use it, so
 * the two cannot drift apart. Imports only Node's types.
 */

/** Where a request came from, for {@link fromNodeRequest}. */
export interface NodeRequestOptions {
  readonly requestId: string;
  /** `source` of the neutral request, e.g. `polyfaas://local/http`. */
  readonly source: string;
  /** The path to route (default: the request's own path, see {@link nodeRequestPath}). */
  readonly path?: string;
}

/**
 * The request URL; Express rewrites `req.url` when mounted, `originalUrl` keeps what the client sent.
 * `requestTarget` reads `//a/b` as a path, never as a host.
 */
function requestUrl(req: IncomingMessage): URL {
  const original = (req as { originalUrl?: unknown }).originalUrl;
  return requestTarget(typeof original === 'string' && original ? original : req.url);
}

/** The path of a Node request, without its query string and still percent-encoded. */
export function nodeRequestPath(req: IncomingMessage): string {
  return requestUrl(req).pathname;
}

/** A Node request and its fully read body as a neutral {@link HttpRequest}. */
export function fromNodeRequest(req: IncomingMessage, body: Uint8Array, options: NodeRequestOptions): HttpRequest {
  const url = requestUrl(req);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return createHttpRequest({
    id: options.requestId,
    method: req.method ?? 'GET',
    path: options.path ?? url.pathname,
    // Later values win for repeated keys, as the HttpRequest contract says.
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    source: options.source,
    raw: req,
  });
}

/** Write an encoded response; `extra` headers (request id, `connection: close`) are the transport's own. */
export function writeEncoded(res: ServerResponse, encoded: EncodedHttpResponse, extra: Readonly<Record<string, string>> = {}): void {
  const headers: OutgoingHttpHeaders = { ...encoded.headers, ...extra };
  if (encoded.cookies.length > 0) headers['set-cookie'] = [...encoded.cookies];
  if (encoded.contentLength !== undefined) headers['content-length'] = encoded.contentLength;
  res.writeHead(encoded.status, headers);
  // A HEAD answer has the GET headers and no body; Node sends nothing after them.
  res.end(encoded.body.byteLength > 0 ? Buffer.from(encoded.body.buffer, encoded.body.byteOffset, encoded.body.byteLength) : undefined);
}

/** What {@link writeNodeResponse} needs besides the response. */
export interface NodeResponseOptions {
  readonly requestId: string;
  readonly log: Logger;
  /** Transport headers added to the handler's (they win). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/**
 * Encode a handler's response (see `encodeHttpResponse`: an invalid one is a
 * logged 500) and write it. The method comes from the request, so HEAD answers
 * without a body.
 */
export function writeNodeResponse(req: IncomingMessage, res: ServerResponse, response: HttpResponse, options: NodeResponseOptions): void {
  const encoded = encodeHttpResponse(response, { method: req.method ?? 'GET', requestId: options.requestId, log: options.log });
  writeEncoded(res, encoded, options.extraHeaders);
}
