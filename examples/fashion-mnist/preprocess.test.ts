import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket } from 'polyfaas/memory';
import type { ObjectInfo, PutBody, PutOptions } from 'polyfaas';
import { defineApp } from 'polyfaas';
import { createPreprocessFunction, decodeShard, readFeaturesManifest, readManifestShards } from 'polyfaas/pipelines';
import { ingest } from './data/ingest.js';
import { FASHION_MNIST_CLASSES } from './data/labels.js';
import { FIXTURE_DIR, loadFashionMnist } from './data/source.js';

/** A memory bucket that counts successful writes per key. */
class CountingBucket extends MemoryBucket {
  readonly writes = new Map<string, number>();
  override async put(key: string, body: PutBody, options?: PutOptions): Promise<ObjectInfo> {
    const info = await super.put(key, body, options);
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
    return info;
  }
}

const LIMIT = 100;

describe('Fashion-MNIST preprocess on the memory runtime', () => {
  it('ingests 100 fixture images and preprocesses them once, even with every event delivered twice', async () => {
    const data = await loadFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } });
    const bucket = new CountingBucket('fashion');
    const app = defineApp({
      name: 'fashion',
      functions: [createPreprocessFunction({ bucket: 'data', input: { width: 28, height: 28, channels: 1 } })],
      buckets: { data: bucket },
    });
    const rt = await createMemoryRuntime(app, { deliverTwice: true });

    const summary = await ingest(rt.bucket('data'), data, { splits: ['test'], limit: LIMIT });
    expect(summary.test).toMatchObject({ count: LIMIT, written: LIMIT + 1, unchanged: 0 });
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);

    // Batch output: shards + manifest, each written exactly once despite duplicate delivery.
    const found = await readFeaturesManifest(rt.bucket('data'), 'features/fashion-mnist/test/manifest.json');
    const manifest = found!.manifest;
    expect(manifest).toMatchObject({ count: LIMIT, errors: { count: 0 }, classes: [...FASHION_MNIST_CLASSES], inputs: { found: LIMIT, expected: LIMIT }, source: { origin: 'env' } });
    expect(manifest.labelCounts.reduce((a, b) => a + b, 0)).toBe(LIMIT);
    const featureWrites = [...bucket.writes].filter(([key]) => key.startsWith('features/'));
    expect(featureWrites.every(([, n]) => n === 1)).toBe(true);
    // One single-example shard per image (incremental path), plus the batch shard and manifest.
    expect(featureWrites.filter(([key]) => key.includes('/examples/'))).toHaveLength(LIMIT);
    expect(featureWrites.filter(([key]) => key.includes('/batches/'))).toHaveLength(1);

    // The pixels and labels are the fixture's, in key order.
    const shards = [];
    for await (const s of readManifestShards(rt.bucket('data'), manifest)) shards.push(s);
    const [shard] = shards;
    const first = shard!.header.sources[0]!.key;
    const index = Number(/(\d+)\.png$/.exec(first)![1]);
    expect(shard!.labels[0]).toBe(data.test.labels[index]);
    expect([...shard!.features.subarray(0, 784)]).toEqual([...data.test.images.subarray(index * 784, (index + 1) * 784)]);

    // A single-example shard holds the same pixels as its batch twin.
    for await (const info of rt.bucket('data').list({ prefix: 'features/fashion-mnist/test/examples/' })) {
      const single = decodeShard((await rt.bucket('data').get(info.key)).body);
      if (single.header.sources[0]!.key !== first) continue;
      expect([...single.features]).toEqual([...shard!.features.subarray(0, 784)]);
    }

    // Re-running the whole upload changes nothing and triggers nothing new.
    const writesBefore = [...bucket.writes.values()].reduce((a, b) => a + b, 0);
    const again = await ingest(rt.bucket('data'), data, { splits: ['test'], limit: LIMIT });
    await rt.idle();
    expect(again.test).toMatchObject({ written: 0, unchanged: LIMIT + 1 });
    expect([...bucket.writes.values()].reduce((a, b) => a + b, 0)).toBe(writesBefore);
    expect(rt.deadLetters).toEqual([]);
  });

  it('records corrupt and oversized uploads once, dead-letters nothing, and keeps the good ones', async () => {
    const bucket = new CountingBucket('errors');
    const app = defineApp({
      functions: [createPreprocessFunction({ bucket: 'data', input: { width: 28, height: 28, channels: 1 }, maxPixels: 28 * 28 })],
      buckets: { data: bucket },
    });
    const rt = await createMemoryRuntime(app, { deliverTwice: true });
    const data = await loadFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } });
    await ingest(rt.bucket('data'), data, { splits: ['train'], limit: 5 });
    await rt.idle();
    await rt.bucket('data').put('raw/fashion-mnist/train/0-t-shirt-top/bad.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const big = await sharp(Buffer.alloc(56 * 56), { raw: { width: 56, height: 56, channels: 1 } }).png().toBuffer();
    await rt.bucket('data').put('raw/fashion-mnist/train/0-t-shirt-top/big.png', big);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    const errors = [...bucket.writes].filter(([key]) => key.startsWith('errors/'));
    expect(errors.map(([key]) => key.split('/')[4]!.replace(/\.[0-9a-f]{24}\.json$/, '')).sort()).toEqual(['bad.png', 'big.png']);
    expect(errors.every(([, n]) => n === 1)).toBe(true);
    const examples = [...bucket.writes.keys()].filter((key) => key.includes('/examples/'));
    expect(examples).toHaveLength(5);
  });
});
