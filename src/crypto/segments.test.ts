import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, objectKey, segmentNonce } from './segments.js';

describe('hkdfSha256', () => {
  it('gives the first 32 bytes of RFC 5869 test case 1', () => {
    const ikm = Buffer.alloc(22, 0x0b);
    const salt = Buffer.from('000102030405060708090a0b0c', 'hex');
    const info = Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex');
    expect(hkdfSha256(ikm, salt, [info]).toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf');
  });

  it('equals node:crypto hkdfSync for random keys, salts and info split anywhere', () => {
    for (let i = 0; i < 50; i++) {
      const ikm = randomBytes(32);
      const salt = randomBytes(16);
      const info = randomBytes(i * 3);
      const cut = Math.floor(info.byteLength / 2);
      expect(hkdfSha256(ikm, salt, [info.subarray(0, cut), info.subarray(cut)])).toEqual(Buffer.from(hkdfSync('sha256', ikm, salt, info, 32)));
    }
  });
});

describe('objectKey', () => {
  it('is HKDF-SHA-256 of the data key, so objects written before this implementation still decrypt', () => {
    const dataKey = Buffer.alloc(32, 1);
    const salt = Buffer.alloc(16, 2);
    // Pinned output for these inputs: any change to the derivation changes it (see also format-v1.test.ts).
    expect(objectKey(dataKey, salt, 's3://bucket/', 'a/b.bin').toString('hex')).toMatchInlineSnapshot(`"c8b3e6d413466d7b8e7c9d056eb111c095a6b9afe2f83230f9310a41466089c8"`);
  });

  it('differs by bucket name and by key, including where one ends and the other starts', () => {
    const dataKey = randomBytes(32);
    const salt = randomBytes(16);
    const keys = [objectKey(dataKey, salt, 'b', 'k'), objectKey(dataKey, salt, 'b2', 'k'), objectKey(dataKey, salt, 'b', 'k2'), objectKey(dataKey, salt, 'bk', ''), objectKey(dataKey, salt, '', 'bk')];
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(keys.length);
  });
});

describe('segmentNonce', () => {
  it('is the 7-byte prefix, the 32-bit index and the last flag', () => {
    const prefix = Buffer.from('01020304050607', 'hex');
    expect(segmentNonce(prefix, 0x0a0b0c0d, true).toString('hex')).toBe('010203040506070a0b0c0d01');
    expect(segmentNonce(prefix, 1, false).toString('hex')).toBe('01020304050607000000010' + '0');
  });
});
