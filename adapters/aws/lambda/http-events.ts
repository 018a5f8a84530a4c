import type { ALBResult, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from '../../../src/index.js';
import type { EncodeContext, EncodedHttpResponse } from '../../../src/adapter.js';
import { createHttpRequest } from '../../../src/index.js';
import {
  encodeHttpResponse,
  flagField,
  idField,
  objectField,
  stringField,
  stringListField,
  stringListMapField,
  stringMapField,
  timeField,
} from '../../../src/adapter.js';

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
function body(event: Obj): Uint8Array | string {
  const raw = stringField(event.body, 'HTTP event body', true);
  const base64 = flagField(event.isBase64Encoded, 'HTTP event isBase64Encoded');
  if (!raw) return new Uint8Array();
  if (!base64) return raw;
  // A plain Uint8Array view of the decoded bytes: `new Uint8Array(buffer)` would copy
  // element by element, costing more than the decoding itself.
  const decoded = Buffer.from(raw, 'base64');
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

/** Multi-value headers win when present (they hold every value); joined with `, ` as the neutral request says. */
function headersFrom(single: unknown, multi: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const lists = stringListMapField(multi, 'HTTP event multiValueHeaders');
  if (lists) {
    for (const [k, v] of Object.entries(lists)) out[k.toLowerCase()] = v.join(', ');
    return out;
  }
  for (const [k, v] of Object.entries(stringMapField(single, 'HTTP event headers'))) out[k.toLowerCase()] = v;
  return out;
}

/** Repeated keys keep the last value (the neutral contract); `raw` has all of them. */
function queryFrom(single: unknown, multi: unknown, decode: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const dec = (s: string) => (decode ? safeDecode(s) : s);
  const lists = stringListMapField(multi, 'HTTP event multiValueQueryStringParameters');
  if (lists) {
    for (const [k, v] of Object.entries(lists)) if (v.length) out[dec(k)] = dec(v[v.length - 1] as string);
    return out;
  }
  for (const [k, v] of Object.entries(stringMapField(single, 'HTTP event queryStringParameters'))) out[dec(k)] = dec(v);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Translate an HTTP event of any supported kind into a neutral request (`raw`
 * keeps the event). A malformed event (a method or path that is not a string,
 * headers that are not strings, an invalid time…) throws `InvalidArgument`.
 */
export function toHttpRequest(event: unknown, kind: HttpEventKind, raw: unknown = event): HttpRequest {
  const e = objectField(event, 'HTTP event');
  const rc = objectField(e.requestContext, 'HTTP event requestContext', true) ?? {};
  if (kind === 'apigw-v2' || kind === 'function-url') {
    const http = objectField(rc.http, 'HTTP event requestContext.http');
    const headers = headersFrom(e.headers, undefined);
    const cookies = stringListField(e.cookies, 'HTTP event cookies');
    if (cookies.length) headers.cookie = cookies.join('; ');
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(stringField(e.rawQueryString, 'HTTP event rawQueryString', true) ?? '')) query[k] = v;
    // Named stages prefix rawPath with the stage (`/prod/predict`); routes are written without it.
    const stage = stringField(rc.stage, 'HTTP event requestContext.stage', true);
    let path = stringField(e.rawPath, 'HTTP event rawPath', true) || stringField(http.path, 'HTTP event requestContext.http.path', true) || '/';
    if (stage && stage !== '$default' && path.startsWith(`/${stage}/`)) path = path.slice(stage.length + 1);
    const id = idField(rc.requestId, 'HTTP event requestContext.requestId');
    const time = timeField(rc.timeEpoch, 'HTTP event requestContext.timeEpoch');
    return createHttpRequest({
      method: stringField(http.method, 'HTTP event requestContext.http.method'),
      path: decodePath(path),
      query,
      headers,
      body: body(e),
      ...(id ? { id } : {}),
      source: `https://${stringField(rc.domainName, 'HTTP event requestContext.domainName', true) ?? 'apigateway'}`,
      ...(time ? { time } : {}),
      raw,
    });
  }
  if (kind === 'alb') {
    return createHttpRequest({
      method: stringField(e.httpMethod, 'HTTP event httpMethod'),
      path: decodePath(stringField(e.path, 'HTTP event path')),
      // ALB passes query strings through still URL-encoded.
      query: queryFrom(e.queryStringParameters, e.multiValueQueryStringParameters, true),
      headers: headersFrom(e.headers, e.multiValueHeaders),
      body: body(e),
      source: stringField(objectField(rc.elb, 'HTTP event requestContext.elb').targetGroupArn, 'HTTP event requestContext.elb.targetGroupArn', true) ?? 'alb',
      raw,
    });
  }
  const id = idField(rc.requestId, 'HTTP event requestContext.requestId');
  const time = timeField(rc.requestTimeEpoch, 'HTTP event requestContext.requestTimeEpoch');
  return createHttpRequest({
    method: stringField(e.httpMethod, 'HTTP event httpMethod'),
    path: decodePath(stringField(e.path, 'HTTP event path')),
    query: queryFrom(e.queryStringParameters, e.multiValueQueryStringParameters, false),
    headers: headersFrom(e.headers, e.multiValueHeaders),
    body: body(e),
    ...(id ? { id } : {}),
    source: `https://${stringField(rc.domainName, 'HTTP event requestContext.domainName', true) ?? 'apigateway'}`,
    ...(time ? { time } : {}),
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
