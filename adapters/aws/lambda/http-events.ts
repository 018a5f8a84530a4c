import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EncodeContext, EncodedHttpResponse, HttpRequest, HttpResponse } from '../../../src/index.js';
import { createHttpRequest, encodeHttpResponse } from '../../../src/index.js';

/** Which HTTP front door delivered an event; decides the response shape. */
export type HttpEventKind = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recognise the HTTP event shapes: API Gateway REST (v1), HTTP API (v2), Function URLs and ALB. */
export function httpEventKind(event: unknown): HttpEventKind | undefined {
  if (!isObj(event) || !isObj(event.requestContext)) return undefined;
  const rc = event.requestContext;
  if (isObj(rc.elb) && typeof event.httpMethod === 'string') return 'alb';
  if (event.version === '2.0' && isObj(rc.http)) {
    return typeof rc.domainName === 'string' && rc.domainName.includes('.lambda-url.') ? 'function-url' : 'apigw-v2';
  }
  if (typeof event.httpMethod === 'string' && typeof event.path === 'string') return 'apigw-v1';
  return undefined;
}

/** Text bodies stay strings: `createHttpRequest` encodes them only if a handler asks for bytes. */
function body(raw: string | null | undefined, base64: boolean | undefined): Uint8Array | string {
  if (!raw) return new Uint8Array();
  if (!base64) return raw;
  // A plain Uint8Array view of the decoded bytes: `new Uint8Array(buffer)` would copy
  // element by element, costing more than the decoding itself.
  const decoded = Buffer.from(raw, 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

/** Multi-value headers win when present (they hold every value); joined with `, ` as the neutral request says. */
function headersFrom(single: Obj | null | undefined, multi: Obj | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (multi) {
    for (const [k, v] of Object.entries(multi)) if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
    return out;
  }
  for (const [k, v] of Object.entries(single ?? {})) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** Repeated keys keep the last value (the neutral contract); `raw` has all of them. */
function queryFrom(single: Obj | null | undefined, multi: Obj | null | undefined, decode: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const dec = (s: string) => (decode ? safeDecode(s) : s);
  if (multi) {
    for (const [k, v] of Object.entries(multi)) if (Array.isArray(v) && v.length) out[dec(k)] = dec(String(v[v.length - 1]));
    return out;
  }
  for (const [k, v] of Object.entries(single ?? {})) if (typeof v === 'string') out[dec(k)] = dec(v);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Translate an HTTP event of any supported kind into a neutral request (`raw` keeps the event). */
export function toHttpRequest(event: unknown, kind: HttpEventKind, raw: unknown = event): HttpRequest {
  if (kind === 'apigw-v2' || kind === 'function-url') {
    const e = event as APIGatewayProxyEventV2;
    const headers = headersFrom(e.headers as Obj, undefined);
    if (e.cookies?.length) headers.cookie = e.cookies.join('; ');
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(e.rawQueryString ?? '')) query[k] = v;
    // Named stages prefix rawPath with the stage (`/prod/predict`); routes are written without it.
    const stage = e.requestContext.stage;
    let path = e.rawPath || e.requestContext.http.path || '/';
    if (stage && stage !== '$default' && path.startsWith(`/${stage}/`)) path = path.slice(stage.length + 1);
    return createHttpRequest({
      method: e.requestContext.http.method,
      path: decodePath(path),
      query,
      headers,
      body: body(e.body, e.isBase64Encoded),
      id: e.requestContext.requestId,
      source: `https://${e.requestContext.domainName}`,
      time: new Date(e.requestContext.timeEpoch ?? Date.now()),
      raw,
    });
  }
  if (kind === 'alb') {
    const e = event as ALBEvent;
    return createHttpRequest({
      method: e.httpMethod,
      path: decodePath(e.path),
      // ALB passes query strings through still URL-encoded.
      query: queryFrom(e.queryStringParameters as Obj, e.multiValueQueryStringParameters as Obj, true),
      headers: headersFrom(e.headers as Obj, e.multiValueHeaders as Obj),
      body: body(e.body, e.isBase64Encoded),
      source: e.requestContext.elb.targetGroupArn,
      raw,
    });
  }
  const e = event as APIGatewayProxyEvent;
  return createHttpRequest({
    method: e.httpMethod,
    path: decodePath(e.path),
    query: queryFrom(e.queryStringParameters as Obj, e.multiValueQueryStringParameters as Obj, false),
    headers: headersFrom(e.headers as Obj, e.multiValueHeaders as Obj),
    body: body(e.body, e.isBase64Encoded),
    ...(e.requestContext?.requestId ? { id: e.requestContext.requestId } : {}),
    source: `https://${e.requestContext?.domainName ?? 'apigateway'}`,
    ...(e.requestContext?.requestTimeEpoch ? { time: new Date(e.requestContext.requestTimeEpoch) } : {}),
    raw,
  });
}

/** Routes match decoded segments (`/items/a%20b` → `:id` = `a b`); a bad escape stays as sent. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[a-z0-9.+-]*\+(json|xml))|image\/svg\+xml)/i;

/** Whether a body can travel as a UTF-8 string; everything else is base64-encoded. */
export function isTextual(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_TYPES.test(contentType);
}

/** Lambda result shapes, one per front door. */
export type LambdaHttpResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/**
 * Shape a handler's response the way the front door expects, through the core
 * encoder (validation, HEAD, 204/304): v2 and Function URLs get `cookies`; v1
 * gets `multiValueHeaders['set-cookie']`; ALB gets `multiValueHeaders` when the
 * target group has them on (the request used them), and otherwise can carry
 * only one cookie (the last; the others are logged as dropped). Binary bodies
 * are base64 with `isBase64Encoded`.
 */
export function toLambdaResult(response: HttpResponse, kind: HttpEventKind, rawEvent: unknown, context: EncodeContext): LambdaHttpResult {
  const encoded = encodeHttpResponse(response, context);
  const { body, base64 } = lambdaBody(encoded);
  const headers = { ...encoded.headers };
  const cookies = [...encoded.cookies];
  const base = { statusCode: encoded.status, body, isBase64Encoded: base64 };
  if (kind === 'apigw-v2' || kind === 'function-url') return { ...base, headers, ...(cookies.length ? { cookies } : {}) };
  const multi = isObj(rawEvent) && isObj(rawEvent.multiValueHeaders);
  if (kind === 'alb') {
    const statusDescription = `${encoded.status} ${STATUS_TEXT[encoded.status] ?? ''}`.trim();
    if (multi) return { ...base, statusDescription, multiValueHeaders: toMulti(headers, cookies) };
    if (cookies.length > 1) context.log.warn('ALB without multi-value headers sends one cookie; the others are dropped', { dropped: cookies.length - 1 });
    return { ...base, statusDescription, headers: cookies.length ? { ...headers, 'set-cookie': cookies[cookies.length - 1] as string } : headers };
  }
  return { ...base, headers, ...(cookies.length ? { multiValueHeaders: { 'set-cookie': cookies } } : {}) };
}

/**
 * The body as the gateway wants it: text as a string, anything else base64.
 * A string body with a textual type (what `json()` and `text()` return) is
 * passed through as is, without an encode/decode round trip.
 */
function lambdaBody(encoded: EncodedHttpResponse): { body: string; base64: boolean } {
  const text = encoded.body.byteLength === 0 || isTextual(encoded.headers['content-type']);
  if (text && encoded.text !== undefined) return { body: encoded.text, base64: false };
  return { body: Buffer.from(encoded.body.buffer, encoded.body.byteOffset, encoded.body.byteLength).toString(text ? 'utf8' : 'base64'), base64: !text };
}

function toMulti(headers: Record<string, string>, cookies: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = [v];
  if (cookies.length) out['set-cookie'] = cookies;
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
