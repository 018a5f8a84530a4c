import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAll } from './body.js';

const chunks = (...parts: (string | number[])[]) => Readable.from(parts.map((p) => (typeof p === 'string' ? p : Uint8Array.from(p))), { objectMode: true });

describe('readAll', () => {
  it('joins chunks and strings into one buffer', async () => {
    expect([...(await readAll(chunks([1, 2], 'ab', [3])))]).toEqual([1, 2, 97, 98, 3]);
  });

  it('refuses bodies over the limit with PayloadTooLarge', async () => {
    await expect(readAll(chunks([1, 2, 3], [4]), 3)).rejects.toMatchObject({ code: 'PayloadTooLarge' });
  });

  it('with an expected size, fills one buffer and insists on exactly that many bytes', async () => {
    expect([...(await readAll(chunks([1, 2], [3, 4, 5]), Infinity, 5))]).toEqual([1, 2, 3, 4, 5]);
    expect((await readAll(chunks(), Infinity, 0)).byteLength).toBe(0);
    await expect(readAll(chunks([1, 2], [3]), Infinity, 5)).rejects.toMatchObject({ code: 'DataLoss', message: expect.stringMatching(/after 3 of the 5/) });
    await expect(readAll(chunks([1, 2], [3, 4, 5, 6]), Infinity, 5)).rejects.toMatchObject({ code: 'DataLoss', message: expect.stringMatching(/longer than the 5/) });
  });

  it('still applies the limit when the expected size is over it', async () => {
    await expect(readAll(chunks([1, 2, 3, 4]), 3, 4)).rejects.toMatchObject({ code: 'PayloadTooLarge' });
  });
});
