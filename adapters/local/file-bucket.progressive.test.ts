import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressiveObject } from '../../src/adapter.js';
import { CHUNK_BYTES } from './chunked-read.js';
import { FileBucket } from './index.js';

let dir: string;
let bucket: FileBucket;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-progressive-'));
  bucket = new FileBucket(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function counts(object: ProgressiveObject): Promise<number[]> {
  const seen: number[] = [];
  for await (const n of object.landed()) seen.push(n);
  return seen;
}

const progressive = (key: string) => (bucket.getProgressive as (key: string) => Promise<ProgressiveObject>)(key);

describe('FileBucket.getProgressive (a whole read handed over chunk by chunk)', () => {
  it('lands the same bytes and info as get, in ascending counts ending at the size', async () => {
    for (const size of [0, 10, CHUNK_BYTES, 2 * CHUNK_BYTES + 5]) {
      const body = randomBytes(size);
      await bucket.put(`k${size}`, body, { contentType: 'x/y', metadata: { a: 'b' } });
      const object = await progressive(`k${size}`);
      const seen = await counts(object);
      expect(seen.at(-1)).toBe(size);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.length).toBe(Math.max(1, Math.ceil(size / CHUNK_BYTES)));
      expect(Buffer.from(object.body).equals(body)).toBe(true);
      const { body: whole, ...info } = await bucket.get(`k${size}`);
      expect(Buffer.from(whole).equals(body)).toBe(true);
      expect({ key: object.key, size: object.size, etag: object.etag, contentType: object.contentType, metadata: object.metadata, lastModified: object.lastModified }).toEqual(info);
    }
  });

  it('is NotFound for a missing key, like get', async () => {
    await expect(progressive('missing')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('stops early on close, and the object can then be replaced and deleted', async () => {
    await bucket.put('big', randomBytes(3 * CHUNK_BYTES));
    const object = await progressive('big');
    await object.close();
    await object.close();
    await bucket.put('big', 'new');
    await bucket.delete('big');
    expect(await bucket.exists('big')).toBe(false);
  });

  it('fails with DataLoss when the file is cut short under the reader', async () => {
    await bucket.put('cut', randomBytes(3 * CHUNK_BYTES));
    const object = await progressive('cut');
    await truncate(path.join(dir, 'cut'), CHUNK_BYTES + 10);
    await expect(counts(object)).rejects.toMatchObject({ code: 'DataLoss' });
  });
});
