import { describe, expect, it } from 'vitest';
import type { HttpResponse, LogRecord } from '../../../src/index.js';
import { createLogger } from '../../../src/index.js';
import type { HttpEventKind } from './http-events.js';
import { toLambdaResult } from './http-events.js';

function result(response: HttpResponse, kind: HttpEventKind, rawEvent: unknown = {}, method = 'GET') {
  const logs: LogRecord[] = [];
  const out = toLambdaResult(response, kind, rawEvent, { method, requestId: 'r1', log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }) }) as Record<string, unknown>;
  return { out, logs };
}

const twoCookies: HttpResponse = { status: 200, headers: { 'set-cookie': ['a=1; Path=/', 'b=2'], vary: ['accept', 'origin'] }, body: 'ok' };

describe('toLambdaResult: cookies and bodies in each front door’s shape', () => {
  it('v2 and Function URLs: cookies in `cookies`, never in headers', () => {
    for (const kind of ['apigw-v2', 'function-url'] as const) {
      const { out } = result(twoCookies, kind);
      expect(out).toMatchObject({ statusCode: 200, body: 'ok', isBase64Encoded: false, cookies: ['a=1; Path=/', 'b=2'], headers: { vary: 'accept, origin' } });
      expect((out.headers as Record<string, string>)['set-cookie']).toBeUndefined();
    }
  });

  it('v1: cookies in multiValueHeaders', () => {
    const { out } = result(twoCookies, 'apigw-v1');
    expect(out.multiValueHeaders).toEqual({ 'set-cookie': ['a=1; Path=/', 'b=2'] });
  });

  it('ALB: every cookie with multi-value headers on; only the last one, logged, without', () => {
    expect(result(twoCookies, 'alb', { multiValueHeaders: {} }).out.multiValueHeaders).toMatchObject({ 'set-cookie': ['a=1; Path=/', 'b=2'], vary: ['accept, origin'] });
    const single = result(twoCookies, 'alb');
    expect((single.out.headers as Record<string, string>)['set-cookie']).toBe('b=2');
    expect(single.logs.some((l) => l.level === 'warn' && l.dropped === 1)).toBe(true);
  });

  it('HEAD, 204 and binary bodies', () => {
    expect(result({ status: 200, body: 'hello' }, 'apigw-v2', {}, 'HEAD').out).toMatchObject({ body: '', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const empty = result({ status: 204, headers: { 'content-type': 'text/plain' }, body: 'x' }, 'apigw-v2').out;
    expect(empty).toMatchObject({ statusCode: 204, body: '' });
    expect(empty.headers).toEqual({});
    const png = result({ status: 200, headers: { 'content-type': 'image/png' }, body: new Uint8Array([137, 80, 78, 71]) }, 'apigw-v2').out;
    expect(png).toMatchObject({ isBase64Encoded: true, body: Buffer.from([137, 80, 78, 71]).toString('base64') });
  });

  it('a newline in a header is a 500, not a second header', () => {
    const { out } = result({ status: 200, headers: { 'set-cookie': 'a=1\nb=2' }, body: 'x' }, 'apigw-v2');
    expect(out.statusCode).toBe(500);
    expect(out.cookies).toBeUndefined();
    expect(JSON.parse(out.body as string)).toMatchObject({ error: { code: 'Internal' } });
  });
});
