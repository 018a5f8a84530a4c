import { PolyfaasError } from '../errors.js';
import type { HttpResponse } from '../events/http.js';
import { encodeResponseBody } from '../events/http.js';
import type { Logger } from '../logger.js';
import { errorResponse } from './errors.js';

/**
 * A handler's response in the one form every transport sends: validated,
 * lower-case header names, cookies apart, body bytes (empty when the status or
 * method forbids one). Adapters only copy these fields into their platform's shape.
 */
export interface EncodedHttpResponse {
  /** An integer from 200 to 599: the range every platform accepts. */
  readonly status: number;
  /**
   * Lower-case names. A header given several values is one line joined with `, `
   * (equivalent for every list-valued header, RFC 9110 §5.3). Never contains
   * `set-cookie` (see {@link cookies}) nor the hop-by-hop and framing headers the
   * transport computes (`content-length`, `transfer-encoding`, `connection`…).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** Each `set-cookie` value, in order; a cookie list cannot be joined into one line. */
  readonly cookies: readonly string[];
  /** The bytes to send; empty for HEAD, 204 and 304. */
  readonly body: Uint8Array;
  /**
   * The body's length as a GET would send it: what `content-length` says (HEAD
   * answers with the GET headers). Undefined for 204 and 304, which carry no
   * body headers.
   */
  readonly contentLength: number | undefined;
  /** The body as the handler's string, when it was one, so text gateways skip a decode. */
  readonly text: string | undefined;
}

/** What {@link encodeHttpResponse} needs to know about the request being answered. */
export interface EncodeContext {
  /** The request's method: HEAD answers without a body. */
  readonly method?: string;
  /** Put into the 500 body if the handler's response is invalid. */
  readonly requestId?: string;
  /** Where an invalid response is reported. */
  readonly log: Logger;
}

/** Headers the transport owns: a handler's values for them are dropped. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'proxy-connection', 'trailer', 'te']);

/** Headers that describe a body, which 204 and 304 responses do not have. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-range']);

/** RFC 9110 `token`: the only characters a header name may contain. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Field values: visible ASCII, space, tab and obs-text; never CR, LF or NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Encode a handler's response for the wire, the same way on every adapter.
 * Never throws: a response that cannot be sent safely (status outside 200–599,
 * a header name that is not a token, a value with CR/LF/NUL or of the wrong
 * type, a body JSON cannot encode) is logged and replaced by the neutral 500
 * `Internal` error, so nothing a handler returns can split a response.
 *
 * @example
 * ```ts
 * const out = encodeHttpResponse({ status: 200, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: 'hi' }, { method: 'GET', log });
 * out.cookies; // ['a=1', 'b=2']
 * out.headers['content-type']; // 'text/plain; charset=utf-8'
 * ```
 */
export function encodeHttpResponse(response: HttpResponse, context: EncodeContext): EncodedHttpResponse {
  try {
    return encodeValid(response, context.method);
  } catch (err) {
    const invalid = new PolyfaasError('Internal', 'Handler returned an invalid HTTP response', { cause: err });
    return encodeValid(errorResponse(invalid, context.requestId, context.log), context.method);
  }
}

function encodeValid(response: HttpResponse, method: string | undefined): EncodedHttpResponse {
  const status = (response as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`Invalid status ${String(status)}`);
  }
  const bodyless = status === 204 || status === 304;
  const lists = new Map<string, string[]>();
  const cookies: string[] = [];
  for (const [rawName, rawValue] of Object.entries(response.headers ?? {})) {
    if (!TOKEN.test(rawName)) throw new TypeError(`Invalid header name ${JSON.stringify(rawName)}`);
    const name = rawName.toLowerCase();
    const values = headerValues(name, rawValue as unknown);
    if (TRANSPORT_HEADERS.has(name) || (bodyless && BODY_HEADERS.has(name))) continue;
    if (name === 'set-cookie') cookies.push(...values);
    else if (name !== 'content-type') lists.set(name, [...(lists.get(name) ?? []), ...values]);
  }
  const headers: Record<string, string> = {};
  for (const [name, values] of lists) if (values.length > 0) headers[name] = values.join(', ');
  if (bodyless) return { status, headers, cookies, body: new Uint8Array(), contentLength: undefined, text: undefined };

  const { body, contentType } = encodeResponseBody(response);
  if (contentType !== undefined) {
    headerValues('content-type', contentType);
    headers['content-type'] = contentType;
  }
  const head = method?.toUpperCase() === 'HEAD';
  const text = typeof response.body === 'string' && !head ? response.body : undefined;
  return { status, headers, cookies, body: head ? new Uint8Array() : body, contentLength: body.byteLength, text };
}

function headerValues(name: string, value: unknown): string[] {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  for (const v of values) {
    if (typeof v !== 'string' || !FIELD_VALUE.test(v)) throw new TypeError(`Invalid value for header ${name}`);
  }
  return values as string[];
}
