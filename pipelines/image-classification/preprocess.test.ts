import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/index.js';
import { createStorageEvent } from '../../src/index.js';
import { encodeDatasetManifest } from './dataset-manifest.js';
import { readFeaturesManifest, readManifestShards } from './features-manifest.js';
import { createPreprocessFunction } from './preprocess.js';
import { preprocessPrefix } from './preprocess-batch.js';
import { preprocessImage } from './preprocess-image.js';
import { createTestBucket } from './test-bucket.js';

const INPUT = { width: 4, height: 4, channels: 1 } as const;
const quiet = { input: INPUT, progress: false } as const;

/** A 4×4 grey PNG filled with `value`. */
const png = (value: number, size = 4) =>
  sharp(Buffer.alloc(size * size, value), { raw: { width: size, height: size, channels: 1 } }).toColourspace('b-w').png().toBuffer();

async function seed(bucket: Bucket, withManifest = true): Promise<void> {
  await bucket.put('raw/toy/train/0-dark/a.png', await png(10));
  await bucket.put('raw/toy/train/1-light/b.png', await png(250));
  await bucket.put('raw/toy/train/1-light/c.png', await png(200));
  await bucket.put('raw/toy/train/notes.txt', 'ignored');
  if (withManifest) await bucket.put('raw/toy/train/_dataset.json', encodeDatasetManifest({ dataset: 'toy', split: 'train', count: 3, classes: ['Dark', 'Light'] }));
}

describe('preprocessPrefix', () => {
  it('turns a split into shards plus a manifest written last, with labels from directories', async () => {
    const { bucket, writes } = createTestBucket();
    await seed(bucket);
    const summary = await preprocessPrefix(bucket, { ...quiet, dataset: 'toy', split: 'train', examplesPerShard: 2 });
    expect(summary).toMatchObject({ mode: 'batch', upToDate: false, found: 3, examples: 3, errors: 0, shards: 2, shardsWritten: 2 });
    const features = writes.filter((k) => k.startsWith('features/'));
    expect(features.at(-1)).toBe('features/toy/train/manifest.json');
    const { manifest } = (await readFeaturesManifest(bucket, 'features/toy/train/manifest.json'))!;
    expect(manifest).toMatchObject({ classes: ['Dark', 'Light'], count: 3, labelCounts: [1, 2], inputs: { found: 3, expected: 3 }, datasetManifest: { key: 'raw/toy/train/_dataset.json' } });
    const labels: number[] = [];
    const firstPixels: number[] = [];
    for await (const shard of readManifestShards(bucket, manifest)) {
      labels.push(...shard.labels);
      for (let i = 0; i < shard.header.count; i++) firstPixels.push(shard.features[i * 16]!);
    }
    expect(labels).toEqual([0, 1, 1]);
    expect(firstPixels).toEqual([10, 250, 200]);
  });

  it('writes nothing the second time, and a new run when an input changes', async () => {
    const { bucket, writes } = createTestBucket();
    await seed(bucket);
    const first = await preprocessPrefix(bucket, { ...quiet, prefix: 'raw/toy/train/' });
    const before = writes.length;
    const again = await preprocessPrefix(bucket, { ...quiet, prefix: 'raw/toy/train/' });
    expect(again).toMatchObject({ upToDate: true, runId: first.runId, examples: 3 });
    expect(writes.length).toBe(before);

    await bucket.put('raw/toy/train/0-dark/d.png', await png(0));
    const next = await preprocessPrefix(bucket, { ...quiet, prefix: 'raw/toy/train/' });
    expect(next.runId).not.toBe(first.runId);
    expect(next.examples).toBe(4);
    expect(await bucket.exists(`features/toy/train/batches/${first.runId}/shard-00000.pfs`)).toBe(true);
  });

  it('records corrupt, oversized and unlabelled images and keeps going', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket, false);
    await bucket.put('raw/toy/train/0-dark/corrupt.png', (await png(5)).subarray(0, 40));
    await bucket.put('raw/toy/train/0-dark/huge.png', await png(5, 64));
    await bucket.put('raw/toy/train/mystery/x.png', await png(5));
    const summary = await preprocessPrefix(bucket, { ...quiet, dataset: 'toy', split: 'train', maxPixels: 1000 });
    expect(summary).toMatchObject({ found: 6, examples: 3, errors: 3 });
    const records: Record<string, string> = {};
    for await (const info of bucket.list({ prefix: 'errors/toy/train/' })) {
      const record = JSON.parse(new TextDecoder().decode((await bucket.get(info.key)).body)) as { key: string; reason: string; code: string };
      records[record.key.split('/').pop()!] = `${record.code}:${record.reason}`;
    }
    expect(records).toEqual({ 'corrupt.png': expect.stringMatching(/^(InvalidArgument|UnsupportedMediaType):/), 'huge.png': 'PayloadTooLarge:pixel-limit', 'x.png': 'InvalidArgument:unknown-label' });
    const { manifest } = (await readFeaturesManifest(bucket, 'features/toy/train/manifest.json'))!;
    expect(manifest.errors.count).toBe(3);
    expect(manifest.classes).toEqual(['dark', 'light']);
  });

  it('lets bucket failures escape so the event is retried', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    const failing: Bucket = { ...bucket, list: bucket.list.bind(bucket), get: () => Promise.reject(Object.assign(new Error('boom'))) };
    await expect(preprocessPrefix(failing, { ...quiet, dataset: 'toy', split: 'train' })).rejects.toThrow('boom');
  });

  it('stops when the signal aborts', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    await expect(preprocessPrefix(bucket, { ...quiet, dataset: 'toy', split: 'train', signal: AbortSignal.abort(new Error('deadline')) })).rejects.toThrow('deadline');
  });
});

describe('preprocessImage', () => {
  it('writes a one-example shard keyed by key + etag, once', async () => {
    const { bucket, writes } = createTestBucket();
    await seed(bucket);
    const first = await preprocessImage(bucket, 'raw/toy/train/1-light/b.png', { input: INPUT });
    expect(first).toMatchObject({ outcome: 'example', written: true, output: expect.stringMatching(/^features\/toy\/train\/examples\/[0-9a-f]{24}\.pfs$/) });
    const again = await preprocessImage(bucket, 'raw/toy/train/1-light/b.png', { input: INPUT });
    expect(again).toEqual({ ...first, written: false });
    expect(writes.filter((k) => k.startsWith('features/'))).toHaveLength(1);
  });

  it('labels name-only directories from the dataset manifest', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    await bucket.put('raw/toy/train/light/e.png', await png(240));
    const result = await preprocessImage(bucket, 'raw/toy/train/light/e.png', { input: INPUT });
    expect(result.outcome).toBe('example');
  });

  it('rejects keys outside the layout', async () => {
    const { bucket } = createTestBucket();
    await expect(preprocessImage(bucket, 'raw/x.png', { input: INPUT })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('createPreprocessFunction', () => {
  it('declares a storage trigger on the raw prefix and FaaS-sized limits', () => {
    const fn = createPreprocessFunction({ bucket: 'data', input: INPUT });
    expect(fn).toMatchObject({ name: 'preprocess', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/' }, timeoutMs: 900_000 });
  });

  it('ignores non-image keys and, when asked, single images', async () => {
    const fn = createPreprocessFunction({ bucket: 'data', input: INPUT, incremental: false });
    const ctx = { bucket: () => createTestBucket().bucket } as never;
    for (const key of ['raw/toy/train/notes.txt', 'raw/toy/train/0-dark/a.png']) {
      await expect(fn.handler(createStorageEvent({ kind: 'created', bucket: 'data', key }), ctx)).resolves.toEqual({ mode: 'ignored', key });
    }
  });
});
