import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../src/index.js';
import { requestTexts } from './classify-input.js';

const limits = { maxChars: 10, maxTexts: 2 };
function req(body: string, type: string): HttpRequest {
  const bytes = new TextEncoder().encode(body);
  return { headers: { 'content-type': type }, body: bytes, json: <T>() => JSON.parse(body) as T } as unknown as HttpRequest;
}

describe('requestTexts', () => {
  it('takes one text as text/plain or JSON, or a batch as JSON', () => {
    expect(requestTexts(req('hello', 'text/plain; charset=utf-8'), limits)).toEqual({ texts: ['hello'], batch: false });
    expect(requestTexts(req('{"text":"hi"}', 'application/json'), limits)).toEqual({ texts: ['hi'], batch: false });
    expect(requestTexts(req('{"texts":["a","b"]}', 'application/json'), limits)).toEqual({ texts: ['a', 'b'], batch: true });
  });

  it('refuses with coded errors: wrong type, empty, too long, too many, not strings', () => {
    const code = (body: string, type = 'application/json') => {
      try {
        requestTexts(req(body, type), limits);
        return 'accepted';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code('x', 'text/html')).toBe('UnsupportedMediaType');
    expect(code('   ', 'text/plain')).toBe('InvalidArgument');
    expect(code('{"texts":[]}')).toBe('InvalidArgument');
    expect(code('{"text":"01234567890"}')).toBe('PayloadTooLarge');
    expect(code('{"texts":["a","b","c"]}')).toBe('PayloadTooLarge');
    expect(code('{"texts":"a"}')).toBe('InvalidArgument');
    expect(code('{"other":1}')).toBe('InvalidArgument');
  });
});
