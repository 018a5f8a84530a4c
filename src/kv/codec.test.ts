import { describe, expect, it } from 'vitest';
import { decodeCounter, decodeKvValue, encodeKvValue, KV_BYTES_TAG, KV_JSON_TAG, newKvVersion } from './codec.js';

describe('key-value codec', () => {
  it('tags bytes and JSON so each comes back as what was stored', () => {
    expect(encodeKvValue(new Uint8Array([1, 2]))).toEqual(new Uint8Array([KV_BYTES_TAG, 1, 2]));
    expect(new TextDecoder().decode(encodeKvValue({ a: 1 }))).toBe('j{"a":1}');
    expect(decodeKvValue(encodeKvValue('hi'))).toBe('hi');
    expect(decodeKvValue(encodeKvValue(Buffer.from('hi')))).toEqual(new Uint8Array([104, 105]));
  });

  it('reports values it did not write as DataLoss, not as garbage', () => {
    expect(() => decodeKvValue(new TextEncoder().encode('plain redis string'))).toThrow(expect.objectContaining({ code: 'DataLoss' }));
    expect(() => decodeKvValue(new Uint8Array([KV_JSON_TAG, 0x7b]))).toThrow(expect.objectContaining({ code: 'DataLoss' }));
  });

  it('reads counters only from JSON safe integers', () => {
    expect(decodeCounter(encodeKvValue(-7))).toBe(-7);
    for (const value of [1.5, '3', new Uint8Array([3]), 2 ** 53]) {
      expect(() => decodeCounter(encodeKvValue(value))).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
  });

  it('makes fixed-length hex versions that do not repeat', () => {
    const versions = new Set(Array.from({ length: 10_000 }, () => newKvVersion()));
    expect(versions.size).toBe(10_000);
    for (const v of versions) expect(v).toMatch(/^[0-9a-f]{16}$/);
  });
});
