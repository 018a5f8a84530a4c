import { bodyJson, bodyText } from '../events/body.js';
import type { HttpResponse } from '../events/http.js';
import { encodeResponseBody } from '../events/http.js';

/** A response as a client sees it: status, lower-case headers and raw bytes. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  text(): string;
  json<T = unknown>(): T;
}

/** Build an {@link HttpResult} from parts (transports) or from a handler's response (in-process runtimes). */
export function toHttpResult(status: number, headers: Record<string, string>, body: Uint8Array): HttpResult {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { status, headers: lower, body, text: () => bodyText(body), json: <T>() => bodyJson<T>(body, 'Response body') };
}

/** Encode a handler's response exactly as an HTTP transport would send it. */
export function responseToResult(res: HttpResponse): HttpResult {
  const { body, contentType } = encodeResponseBody(res);
  return toHttpResult(res.status, { ...(res.headers ?? {}), ...(contentType ? { 'content-type': contentType } : {}) }, body);
}
