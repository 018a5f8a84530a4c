import { describe, expect, it } from 'vitest';
import { sha256Hex } from './layout.js';
import { decodeShard, encodeShard, readShard, shardFeatures, writeShard } from './shards.js';
import { createTestBucket } from './test-bucket.js';

const input = {
  shape: [2, 3, 1] as [number, number, number],
  labels: [7, 0],
  features: Uint8Array.from([0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]),
  sources: [
    { key: 'raw/d/s/7-x/a.png', etag: 'e1' },
    { key: 'raw/d/s/0-y/b.png', etag: 'e2' },
  ],
  classes: ['zero', 'one'],
};

describe('shards', () => {
  it('round-trips labels, features, shape and sources', () => {
    const bytes = encodeShard(input);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PFSH');
    const shard = decodeShard(bytes);
    expect([...shard.labels]).toEqual([7, 0]);
    expect([...shard.features]).toEqual([...input.features]);
    expect(shard.header).toMatchObject({ count: 2, shape: [2, 3, 1], dtype: 'uint8', labelDtype: 'int32', sources: input.sources, classes: input.classes });
    expect([...shardFeatures(shard).subarray(0, 6)]).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
  });

  it('decodes from an unaligned buffer (copying labels) as well as an aligned one', () => {
    const bytes = encodeShard(input);
    const unaligned = new Uint8Array(bytes.length + 1).subarray(1);
    unaligned.set(bytes);
    expect([...decodeShard(unaligned).labels]).toEqual([7, 0]);
  });

  it('is deterministic, so equal inputs give equal checksums', () => {
    expect(sha256Hex(encodeShard(input))).toBe(sha256Hex(encodeShard({ ...input, labels: [7, 0] })));
  });

  it('rejects inconsistent input and corrupt files', () => {
    expect(() => encodeShard({ ...input, labels: [1] })).toThrow(/need/);
    expect(() => encodeShard({ ...input, sources: [] })).toThrow(/sources/);
    const bytes = encodeShard(input);
    expect(() => decodeShard(bytes.subarray(0, bytes.length - 1))).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => decodeShard(new Uint8Array(32))).toThrow(/magic/);
    const future = bytes.slice();
    future[4] = 2;
    expect(() => decodeShard(future)).toThrow(/version 2/);
  });

  it('writes once with ifNoneMatch and verifies checksums on read', async () => {
    const { bucket, writes } = createTestBucket();
    const bytes = encodeShard(input);
    const first = await writeShard(bucket, 'features/d/s/shard.pfs', bytes, 2);
    const second = await writeShard(bucket, 'features/d/s/shard.pfs', bytes, 2);
    expect(first).toMatchObject({ written: true, count: 2, bytes: bytes.length, sha256: sha256Hex(bytes) });
    expect(second.written).toBe(false);
    expect(writes).toEqual(['features/d/s/shard.pfs']);
    expect([...(await readShard(bucket, 'features/d/s/shard.pfs', first.sha256)).labels]).toEqual([7, 0]);
    await expect(readShard(bucket, 'features/d/s/shard.pfs', 'f'.repeat(64))).rejects.toMatchObject({ code: 'Internal' });
  });
});
