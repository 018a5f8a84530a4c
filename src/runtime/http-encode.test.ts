import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../events/http.js';
import { json } from '../events/http.js';
import type { LogRecord } from '../logger.js';
import { createLogger } from '../logger.js';
import { encodeHttpResponse } from './http-encode.js';

function encode(response: HttpResponse, method = 'GET') {
  const logs: LogRecord[] = [];
  const out = encodeHttpResponse(response, { method, requestId: 'req-1', log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }) });
  return { out, logs, text: new TextDecoder().decode(out.body) };
}

describe('encodeHttpResponse', () => {
  it('lists cookies apart, joins other repeated headers and lower-cases names', () => {
    const { out } = encode({ status: 200, headers: { 'Set-Cookie': ['a=1; Path=/', 'b=2'], Vary: ['accept', 'origin'], 'X-One': 'v' }, body: 'hi' });
    expect(out.cookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(out.headers).toEqual({ vary: 'accept, origin', 'x-one': 'v', 'content-type': 'text/plain; charset=utf-8' });
    expect(out.contentLength).toBe(2);
    expect(out.text).toBe('hi');
  });

  it('keeps binary bodies byte for byte and JSON bodies as JSON', () => {
    const bytes = Uint8Array.from([0, 255, 13, 10]);
    expect(encode({ status: 200, body: bytes }).out).toMatchObject({ body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(encode({ status: 201, body: { a: 1 } }).text).toBe('{"a":1}');
    expect(encode(json({ a: 1 })).out.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers HEAD with the GET headers and no body', () => {
    const { out } = encode({ status: 200, headers: { 'set-cookie': 'a=1' }, body: 'hello' }, 'HEAD');
    expect(out.body.byteLength).toBe(0);
    expect(out.contentLength).toBe(5);
    expect(out.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(out.cookies).toEqual(['a=1']);
  });

  it('sends 204 and 304 without a body or body headers', () => {
    for (const status of [204, 304]) {
      const { out } = encode({ status, headers: { 'content-type': 'text/plain', 'content-length': '9', etag: '"x"' }, body: 'dropped' });
      expect(out).toMatchObject({ status, body: new Uint8Array(), contentLength: undefined, headers: { etag: '"x"' } });
      expect(out.headers['content-type']).toBeUndefined();
    }
  });

  it('drops the transport’s own headers', () => {
    const { out } = encode({ status: 200, headers: { 'Content-Length': '999', 'transfer-encoding': 'chunked', connection: 'upgrade', 'x-ok': '1' }, body: 'ab' });
    expect(out.headers).toEqual({ 'x-ok': '1', 'content-type': 'text/plain; charset=utf-8' });
    expect(out.contentLength).toBe(2);
  });

  it('turns unsafe responses into a logged 500 Internal, never a split header', () => {
    const unsafe: HttpResponse[] = [
      { status: 200, headers: { 'x-bad': 'a\r\nset-cookie: evil=1' } },
      { status: 200, headers: { 'set-cookie': ['ok=1', 'evil=1\nx: y'] } },
      { status: 200, headers: { 'x-nul': 'a\u0000b' } },
      { status: 200, headers: { 'bad name': 'v' } },
      { status: 200, headers: { 'x-num': 5 as unknown as string } },
      { status: 200, headers: { 'content-type': ['a/b', 'c/d'] } },
      { status: 42 },
      { status: 600 },
      { status: 200.5 },
      { status: 200, body: { big: 10n } },
    ];
    for (const response of unsafe) {
      const { out, logs, text } = encode(response);
      expect(out.status, JSON.stringify(response.headers ?? response.status)).toBe(500);
      expect(JSON.parse(text)).toEqual({ error: { code: 'Internal', message: 'Internal error', requestId: 'req-1' } });
      expect(out.cookies).toEqual([]);
      expect(logs.some((l) => l.level === 'error')).toBe(true);
    }
  });
});
