import { bodyText, parseJson } from './body.js';
import type { EventMeta } from './meta.js';

/** HTTP methods a trigger can route. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A neutral HTTP request, whatever gateway delivered it. */
export interface HttpRequest extends EventMeta {
  readonly method: string;
  /** Path without query string, always starting with `/`. */
  readonly path: string;
  /** Path parameters captured by the route (`/models/:name` → `{ name }`). */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters; repeated keys keep the last value (use `raw` for all of them). */
  readonly query: Readonly<Record<string, string>>;
  /** Header names are lower-case; repeated headers are joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as received, decoded from base64 if the gateway encoded it. */
  readonly body: Uint8Array;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; malformed JSON throws `InvalidArgument`. */
  json<T = unknown>(): T;
}

/**
 * What an HTTP handler returns. A plain object `body` is sent as JSON.
 *
 * `status` is an integer from 200 to 599. A header may have several values
 * (`'set-cookie': ['a=1; Path=/', 'b=2']`); each cookie is sent as its own
 * `Set-Cookie` line on every adapter, other lists as one line joined with `, `.
 * Names must be HTTP tokens and values may not contain CR, LF or NUL: a
 * response breaking these rules is answered as a 500 `Internal` error (and
 * logged). `content-length`, `transfer-encoding` and `connection` are the
 * transport's; HEAD, 204 and 304 responses go out without a body.
 */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Uint8Array | object | null;
}

/** Fields accepted by {@link createHttpRequest}. */
export interface HttpRequestInit {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  params?: Record<string, string>;
  id?: string;
  source?: string;
  time?: Date;
  raw?: unknown;
}

/**
 * Build a neutral {@link HttpRequest}. Adapters use it at the edge; tests use it
 * to call handlers directly.
 *
 * @example
 * ```ts
 * const req = createHttpRequest({ method: 'POST', path: '/echo', body: '{"a":1}' });
 * req.json(); // { a: 1 }
 * ```
 */
export function createHttpRequest(init: HttpRequestInit): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const path = init.path.startsWith('/') ? init.path : `/${init.path}`;
  const method = (init.method ?? 'GET').toUpperCase();
  // A text body (JSON from a gateway) stays a string until someone asks for bytes:
  // text() and json() then skip an encode + decode of every request.
  const source = init.body ?? new Uint8Array();
  let bytes = typeof source === 'string' ? undefined : source;
  const body = (): Uint8Array => (bytes ??= new TextEncoder().encode(source as string));
  const text = typeof source === 'string' ? () => source : () => bodyText(source);
  return {
    id: init.id ?? crypto.randomUUID(),
    source: init.source ?? 'polyfaas://http',
    type: 'polyfaas.http.request',
    time: init.time ?? new Date(),
    subject: path,
    raw: init.raw,
    method,
    path,
    params: init.params ?? {},
    query: init.query ?? {},
    headers,
    get body() {
      return body();
    },
    text,
    json: <T>() => parseJson<T>(text(), 'Request body'),
  };
}

/**
 * A JSON response.
 *
 * @example
 * ```ts
 * return json({ ok: true });          // 200
 * return json({ id }, 201);
 * ```
 */
export function json(body: unknown, status = 200, headers: Record<string, string | readonly string[]> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** A plain-text (or HTML, via `contentType`) response. */
export function text(body: string, status = 200, contentType = 'text/plain; charset=utf-8'): HttpResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

/**
 * Encode a response body as bytes plus the content type to send, applying the
 * defaults every adapter must agree on (objects are JSON, strings are text).
 */
export function encodeResponseBody(res: HttpResponse): { body: Uint8Array; contentType: string | undefined } {
  const declared = Object.entries(res.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  if (declared !== undefined && typeof declared !== 'string') throw new TypeError('content-type must be a single string');
  const headerType = declared;
  const { body } = res;
  if (body === undefined || body === null) return { body: new Uint8Array(), contentType: headerType };
  if (body instanceof Uint8Array) return { body, contentType: headerType ?? 'application/octet-stream' };
  if (typeof body === 'string') {
    return { body: new TextEncoder().encode(body), contentType: headerType ?? 'text/plain; charset=utf-8' };
  }
  return {
    body: new TextEncoder().encode(JSON.stringify(body)),
    contentType: headerType ?? 'application/json; charset=utf-8',
  };
}
