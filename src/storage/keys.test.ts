import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { MAX_KEY_BYTES, validateKey, validateMetadata, validatePrefix } from './keys.js';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof PolyfaasError ? err.code : 'not-a-polyfaas-error';
  }
};

describe('validateKey', () => {
  it.each(['a', 'images/cat.png', 'a/b/c.d', 'dots..inside', '.hidden', 'spaces ok', 'ünïcödé/😀', 'k'.repeat(1024)])('accepts %j', (key) => {
    expect(codeOf(() => validateKey(key))).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['..', '..'],
    ['a/../../b', '..'],
    ['./a', '"."'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'control'],
    ['a\u007fb', 'control'],
    ['a\rb', 'control'],
    ['x'.repeat(1025), 'longer than 1024'],
    ['€'.repeat(342), 'longer than 1024'],
    ['a/\ud800', 'lone surrogate'],
    ['a/\udfff', 'lone surrogate'],
    ['\udc00\ud83d', 'lone surrogate'],
    ['x\ud83d', 'lone surrogate'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(() => validateKey(key)).toThrow(reason);
    expect(codeOf(() => validateKey(key))).toBe('InvalidArgument');
  });

  it('rejects non-strings', () => {
    expect(codeOf(() => validateKey(42))).toBe('InvalidArgument');
    expect(codeOf(() => validateKey(undefined))).toBe('InvalidArgument');
  });
});

describe('validatePrefix', () => {
  it('accepts empty prefixes and prefixes ending in a slash', () => {
    expect(codeOf(() => validatePrefix(''))).toBeUndefined();
    expect(codeOf(() => validatePrefix('images/'))).toBeUndefined();
    expect(codeOf(() => validatePrefix('images/ca'))).toBeUndefined();
    expect(codeOf(() => validatePrefix('.'))).toBeUndefined();
    expect(codeOf(() => validatePrefix('a/.'))).toBeUndefined();
    expect(codeOf(() => validatePrefix('a/..'))).toBeUndefined();
  });
  it('rejects traversal in prefixes', () => {
    expect(codeOf(() => validatePrefix('../'))).toBe('InvalidArgument');
    expect(codeOf(() => validatePrefix('/abs/'))).toBe('InvalidArgument');
    expect(codeOf(() => validatePrefix('../x'))).toBe('InvalidArgument');
    expect(codeOf(() => validatePrefix('a//'))).toBe('InvalidArgument');
    expect(codeOf(() => validatePrefix('a\\'))).toBe('InvalidArgument');
  });
  it('rejects prefixes that are not well-formed UTF-16, even a trailing high surrogate', () => {
    for (const prefix of ['a/\ud800', '\udfff/', 'x\ud83d', 'a/\udc00b/']) {
      expect(codeOf(() => validatePrefix(prefix)), JSON.stringify(prefix)).toBe('InvalidArgument');
    }
    expect(codeOf(() => validatePrefix('emoji/\ud83d\ude00'))).toBeUndefined();
  });
});

describe('validateMetadata', () => {
  it('accepts portable metadata', () => {
    expect(codeOf(() => validateMetadata({ 'source-etag': 'abc', n: '1' }))).toBeUndefined();
  });
  it.each([[{ Upper: 'x' }], [{ 'has space': 'x' }], [{ ok: 'naïve' }], [{ ok: 'x'.repeat(3000) }]])('rejects %j', (meta) => {
    expect(codeOf(() => validateMetadata(meta as Record<string, string>))).toBe('InvalidArgument');
  });
});

describe('keys found by the fuzz suite (test/fuzz/keys-names.test.ts)', () => {
  it('a full-length key is also a valid listing prefix', () => {
    const longest = 'x'.repeat(MAX_KEY_BYTES);
    expect(() => validateKey(longest)).not.toThrow();
    expect(() => validatePrefix(longest)).not.toThrow();
    expect(() => validatePrefix(`${longest}x`)).toThrow(PolyfaasError);
  });

  it('lone surrogates are refused (a/\\ud800 and a/\\udfff would be the same file)', () => {
    for (const key of ['a/\ud800', 'a/\udfff', '\udc00x', 'x\ud83d']) expect(() => validateKey(key)).toThrow(/lone surrogate/);
    expect(() => validateKey('a/\ud83d\ude42')).not.toThrow();
  });
});
