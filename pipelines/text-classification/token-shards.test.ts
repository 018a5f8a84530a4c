import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { decodeTokenShard, encodeTokenShard, readTokenShard, writeTokenShard } from './token-shards.js';

describe('token shards', () => {
  it('round-trip labels and ids, and refuse corrupt or foreign bytes', async () => {
    const labels = Int32Array.from([1, 0]);
    const tokens = Int32Array.from([5, 6, 0, 19999, 1, 0]);
    const bytes = encodeTokenShard(labels, tokens, 3);
    expect(decodeTokenShard(bytes)).toEqual({ labels, tokens, length: 3 });
    expect(() => decodeTokenShard(bytes.subarray(0, 20))).toThrow(/wrong size/);
    expect(() => decodeTokenShard(new Uint8Array(32))).toThrow(/PFTK/);
    const bucket = new MemoryBucket('s');
    const entry = await writeTokenShard(bucket, 'f/a.pftk', bytes, 2);
    expect((await readTokenShard(bucket, entry)).tokens).toEqual(tokens);
    await bucket.put('f/a.pftk', encodeTokenShard(labels, Int32Array.from([1, 1, 1, 1, 1, 1]), 3));
    await expect(readTokenShard(bucket, entry)).rejects.toMatchObject({ code: 'DataLoss' });
  });
});
