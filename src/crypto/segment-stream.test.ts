import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openBytes, sealBytes } from './segment-stream.js';
import { SEGMENT_BYTES } from './segments.js';

const k = { key: randomBytes(32), noncePrefix: randomBytes(7) };

/** `sealed` copied into the middle of a larger buffer, between two guard runs of 0xee. */
function amidGuards(sealed: Uint8Array): { whole: Buffer; body: Buffer } {
  const whole = Buffer.alloc(sealed.byteLength + 200, 0xee);
  whole.set(sealed, 100);
  return { whole, body: whole.subarray(100, 100 + sealed.byteLength) };
}

const guardsIntact = (whole: Buffer) => whole.subarray(0, 100).every((b) => b === 0xee) && whole.subarray(whole.byteLength - 100).every((b) => b === 0xee);

describe('openBytes (in place)', () => {
  it('decrypts a body that sits at an offset inside a larger buffer, writing nothing outside it', () => {
    for (const size of [0, 1, SEGMENT_BYTES, 3 * SEGMENT_BYTES + 1234]) {
      const plaintext = randomBytes(size);
      const { whole, body } = amidGuards(sealBytes(k, plaintext));
      const opened = openBytes(k, body);
      expect(opened.equals(plaintext)).toBe(true);
      expect(opened.buffer).toBe(whole.buffer);
      expect(guardsIntact(whole)).toBe(true);
    }
  });

  it('fails with DataLoss on a damaged last segment, still writing nothing outside the body', () => {
    const sealed = sealBytes(k, randomBytes(2 * SEGMENT_BYTES + 10));
    sealed[sealed.byteLength - 1] = (sealed[sealed.byteLength - 1] as number) ^ 1;
    const { whole, body } = amidGuards(sealed);
    expect(() => openBytes(k, body)).toThrow(expect.objectContaining({ code: 'DataLoss' }));
    expect(guardsIntact(whole)).toBe(true);
  });
});
