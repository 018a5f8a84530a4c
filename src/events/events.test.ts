import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { createHttpRequest, encodeResponseBody, json } from './http.js';
import { createMessageEvent } from './message.js';
import { createStorageEvent } from './storage.js';

describe('neutral events', () => {
  it('carry CloudEvents attributes and the raw provider event', () => {
    const raw = { Records: [] };
    const e = createStorageEvent({ kind: 'created', bucket: 'raw', key: 'a.png', size: 3, etag: 'e', raw });
    expect(e).toMatchObject({ type: 'polyfaas.storage.created', source: 'polyfaas://buckets/raw', subject: 'a.png', raw });
    expect(e.id).toMatch(/[0-9a-f-]{36}/);
    expect(e.time).toBeInstanceOf(Date);
  });

  it('lower-cases request headers and parses bodies', () => {
    const req = createHttpRequest({ method: 'post', path: 'p', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/p');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.json()).toEqual({ a: 1 });
    expect(req.text()).toBe('{"a":1}');
  });

  it('turns malformed JSON into InvalidArgument', () => {
    const req = createHttpRequest({ path: '/', body: '{' });
    expect(() => req.json()).toThrow(PolyfaasError);
    expect(() => createMessageEvent({ queue: 'q', body: 'nope' }).json()).toThrow(/not valid JSON/);
  });

  it('encodes response bodies by type', () => {
    expect(encodeResponseBody(json({ a: 1 })).contentType).toMatch(/json/);
    expect(encodeResponseBody({ status: 200, body: { b: 2 } })).toMatchObject({ contentType: 'application/json; charset=utf-8' });
    expect(encodeResponseBody({ status: 200, body: new Uint8Array([1]) }).contentType).toBe('application/octet-stream');
    expect(encodeResponseBody({ status: 204 }).body.byteLength).toBe(0);
  });
});
