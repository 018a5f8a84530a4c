import { bodyJson, bodyText } from '../events/body.js';
import type { HttpResponse } from '../events/http.js';
import type { Logger } from '../logger.js';
import { createLogger } from '../logger.js';
import type { EncodedHttpResponse } from './http-encode.js';
import { encodeHttpResponse } from './http-encode.js';

/** A response as a client sees it: status, lower-case headers, cookies and raw bytes. */
export interface HttpResult {
  readonly status: number;
  /** Lower-case names; a header sent several times is joined with `, ` (as `Headers.get` does). */
  readonly headers: Readonly<Record<string, string>>;
  /** Every `Set-Cookie` value, one per cookie, in order. */
  readonly cookies: readonly string[];
  readonly body: Uint8Array;
  text(): string;
  json<T = unknown>(): T;
}

/**
 * Build an {@link HttpResult} from parts (transports) or from a handler's
 * response (in-process runtimes). A header may come with several values;
 * `set-cookie` values are also listed one by one in `cookies`.
 */
export function toHttpResult(status: number, headers: Readonly<Record<string, string | readonly string[]>>, body: Uint8Array): HttpResult {
  const lower: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    const values = typeof v === 'string' ? [v] : [...v];
    if (name === 'set-cookie') cookies.push(...values);
    lower[name] = lower[name] === undefined ? values.join(', ') : [lower[name], ...values].join(', ');
  }
  return { status, headers: lower, cookies, body, text: () => bodyText(body), json: <T>() => bodyJson<T>(body, 'Response body') };
}

/** The {@link HttpResult} a client receives for an encoded response (what an HTTP transport sends). */
export function encodedToResult(encoded: EncodedHttpResponse): HttpResult {
  const headers: Record<string, string | readonly string[]> = { ...encoded.headers };
  if (encoded.contentLength !== undefined) headers['content-length'] = String(encoded.contentLength);
  if (encoded.cookies.length > 0) headers['set-cookie'] = encoded.cookies;
  return toHttpResult(encoded.status, headers, encoded.body);
}

/** What {@link responseToResult} knows about the request: HEAD gets no body; `log` reports invalid responses. */
export interface ResponseToResultOptions {
  method?: string;
  requestId?: string;
  log?: Logger;
}

/** Encode a handler's response exactly as an HTTP transport would send it (invalid responses become a 500). */
export function responseToResult(res: HttpResponse, options: ResponseToResultOptions = {}): HttpResult {
  const log = options.log ?? createLogger();
  return encodedToResult(encodeHttpResponse(res, { log, ...(options.method ? { method: options.method } : {}), ...(options.requestId ? { requestId: options.requestId } : {}) }));
}
