import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAll } from '../storage/body.js';
import type { SegmentKey } from './segment-stream.js';
import { InPlaceOpener, openStreamInPlace, SealedChunks, sealBytes } from './segment-stream.js';
import { SEGMENT_BYTES } from './segments.js';

const k = { key: randomBytes(32), noncePrefix: randomBytes(7) };

/** `sealed` copied into the middle of a larger buffer, between two guard runs of 0xee. */
function amidGuards(sealed: Uint8Array): { whole: Buffer; body: Buffer } {
  const whole = Buffer.alloc(sealed.byteLength + 200, 0xee);
  whole.set(sealed, 100);
  return { whole, body: whole.subarray(100, 100 + sealed.byteLength) };
}

const guardsIntact = (whole: Buffer) => whole.subarray(0, 100).every((b) => b === 0xee) && whole.subarray(whole.byteLength - 100).every((b) => b === 0xee);

/** A whole body opened in place at once. */
function openBytes(key: SegmentKey, sealed: Uint8Array): Buffer {
  const opener = new InPlaceOpener(key, sealed.byteLength, sealed);
  opener.received(sealed.byteLength);
  return opener.finish();
}

describe('InPlaceOpener over a whole body', () => {
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

/** `bytes` as a stream of chunks of the given sizes, cycling. */
async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncIterable<Uint8Array> {
  for (let at = 0, i = 0; at < bytes.byteLength; i++) {
    const n = sizes[i % sizes.length] as number;
    yield bytes.slice(at, at + n);
    at += n;
  }
}

describe('openStreamInPlace (segments opened as they arrive)', () => {
  it('opens bodies of every shape from chunks that split segments anywhere', async () => {
    for (const size of [0, 1, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES + 1234]) {
      const plaintext = randomBytes(size);
      const sealed = sealBytes(k, plaintext);
      for (const sizes of [[sealed.byteLength], [1000, 70_000, 7], [SEGMENT_BYTES + 16]]) {
        expect((await openStreamInPlace(k, chunked(sealed, sizes), sealed.byteLength)).equals(plaintext)).toBe(true);
      }
    }
  });

  it('fails with DataLoss on a damaged segment, a short body and a long one', async () => {
    const sealed = sealBytes(k, randomBytes(2 * SEGMENT_BYTES + 10));
    const damaged = Buffer.from(sealed);
    damaged[10] = (damaged[10] as number) ^ 1;
    await expect(openStreamInPlace(k, chunked(damaged, [5000]), sealed.byteLength)).rejects.toMatchObject({ code: 'DataLoss' });
    await expect(openStreamInPlace(k, chunked(sealed.subarray(0, sealed.byteLength - 1), [5000]), sealed.byteLength)).rejects.toMatchObject({ code: 'DataLoss' });
    await expect(openStreamInPlace(k, chunked(Buffer.concat([sealed, Buffer.of(0)]), [5000]), sealed.byteLength)).rejects.toMatchObject({ code: 'DataLoss' });
    await expect(openStreamInPlace(k, chunked(sealed, [5000]), sealed.byteLength - 1)).rejects.toMatchObject({ code: 'DataLoss' });
  });
});

describe('SealedChunks (a whole body sealed chunk by chunk as it is read)', () => {
  it('streams exactly the bytes sealBytes returns, in chunks of at most 1 MiB of plaintext', async () => {
    for (const size of [0, 1, SEGMENT_BYTES, 16 * SEGMENT_BYTES, 16 * SEGMENT_BYTES + 1, 40 * SEGMENT_BYTES + 1234]) {
      const plaintext = randomBytes(size);
      const chunks: Buffer[] = [];
      for await (const chunk of new SealedChunks(k, plaintext)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(sealBytes(k, plaintext))).toBe(true);
      expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThanOrEqual(16 * (SEGMENT_BYTES + 16));
      expect(chunks.length).toBe(Math.max(1, Math.ceil(size / (16 * SEGMENT_BYTES))));
    }
  });

  it('seals nothing more once destroyed', async () => {
    const sealing = new SealedChunks(k, randomBytes(40 * SEGMENT_BYTES));
    sealing.destroy();
    await expect(readAll(sealing)).rejects.toThrow();
  });
});
