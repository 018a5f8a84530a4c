import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Bucket, LogRecord } from '../../src/index.js';
import { createLogger } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import { rejection } from '../../src/model/test-helpers.js';
import { decodeEmbeddingShard, encodeEmbeddingShard } from './embedding-shards.js';
import { loadEmbeddingDataset } from './embeddings.js';
import { readFeaturesManifest, readManifestShards } from './features-manifest.js';
import { preprocessPrefix } from './preprocess-batch.js';
import { PREPROCESS_JOBS_PREFIX, readChunkJob } from './preprocess-chunk-job.js';
import { runChunk, writeChunkJobs } from './preprocess-chunks.js';
import { shardFeatures } from './shards.js';
import { planSplit } from './split-plan.js';
import { createTestBucket } from './test-bucket.js';

const INPUT = { width: 4, height: 4, channels: 1 } as const;
const png = (value: number) => sharp(Buffer.alloc(16, value), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('b-w').png().toBuffer();

/** 4×4 grey → 3 ReLU features → 2 classes: small enough to check by hand, real enough to store and cut. */
function sourceModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [4, 4, 1] }),
      tfl.layers.dense({ name: 'features', units: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }), biasInitializer: 'ones' }),
      tfl.layers.dense({ name: 'classes', units: 2, activation: 'softmax' }),
    ],
  });
}

async function seed(bucket: Bucket): Promise<string> {
  for (const [i, value] of [10, 250, 200, 40, 90].entries()) await bucket.put(`raw/toy/train/${i % 2}-c/${i}.png`, await png(value));
  const store = new ModelStore(bucket, { signing: false });
  const model = sourceModel();
  const { version } = await store.save('source', model);
  await store.promote('source', version, 'production');
  model.dispose();
  return version;
}

describe('preprocess with a feature extractor', () => {
  it('writes one embedding shard beside each pixel shard holding exactly what the cut model computes', async () => {
    const { bucket, writes } = createTestBucket();
    const version = await seed(bucket);
    const summary = await preprocessPrefix(bucket, { input: INPUT, progress: false, dataset: 'toy', split: 'train', examplesPerShard: 2, extractor: { model: 'source' } });
    const { manifest } = (await readFeaturesManifest(bucket, summary.manifestKey))!;
    expect(manifest.embeddings).toMatchObject({ format: 'polyfaas.embeddings/v1', extractor: { model: 'source', version }, layer: 'features', dim: 3 });
    expect(manifest.embeddings!.shards.map((s) => s.key)).toEqual(manifest.shards.map((s) => s.key.replace(/\.pfs$/, '.pfe')));
    expect(writes.at(-1)).toBe(summary.manifestKey);

    const { model } = await new ModelStore(bucket, { signing: false }).load('source', { version });
    const features = tfl.model({ inputs: model.inputs, outputs: model.getLayer('features').output as tfl.SymbolicTensor });
    const data = await loadEmbeddingDataset(bucket, manifest);
    expect(data).toMatchObject({ count: 5, inputShape: [3], dim: 3 });
    let at = 0;
    for await (const shard of readManifestShards(bucket, manifest)) {
      const expected = features.predict(tf.tensor4d(shardFeatures(shard), [shard.header.count, 4, 4, 1])) as tf.Tensor;
      const stored = data.features.subarray(at * 3, (at + shard.header.count) * 3);
      expect(Array.from(stored)).toEqual(Array.from(await expected.data()));
      expect(Array.from(data.labels.subarray(at, at + shard.header.count))).toEqual(Array.from(shard.labels));
      at += shard.header.count;
    }
    model.dispose();
  });

  it('makes the extractor part of the run id, and a rerun writes nothing', async () => {
    const { bucket, writes } = createTestBucket();
    await seed(bucket);
    const base = { input: INPUT, progress: false, dataset: 'toy', split: 'train' } as const;
    const plain = await preprocessPrefix(bucket, base);
    const embedded = await preprocessPrefix(bucket, { ...base, extractor: { model: 'source' } });
    expect(embedded.runId).not.toBe(plain.runId);
    const before = writes.length;
    expect(await preprocessPrefix(bucket, { ...base, extractor: { model: 'source' } })).toMatchObject({ upToDate: true, runId: embedded.runId });
    expect(writes.length).toBe(before);
  });

  it('writes the same manifest, embeddings included, when the split runs in chunks', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    const options = { input: INPUT, dataset: 'toy', split: 'train', examplesPerShard: 2, extractor: { model: 'source' } } as const;
    const { chunks } = await writeChunkJobs(await planSplit(bucket, options), 2);
    expect(chunks).toBe(3);
    const jobs = [];
    for await (const info of bucket.list({ prefix: PREPROCESS_JOBS_PREFIX })) jobs.push(await readChunkJob(bucket, info.key));
    await Promise.all(jobs.map((job) => runChunk(job, { raw: bucket, output: bucket })));
    const key = 'features/toy/train/manifest.json';
    const chunked = new TextDecoder().decode((await bucket.get(key)).body);
    expect(JSON.parse(chunked)).toMatchObject({ embeddings: { dim: 3 } });
    // The one-invocation run of the same objects: same run id, so the same keys; it rebuilds and rehashes every shard.
    await bucket.delete(key);
    await preprocessPrefix(bucket, { ...options, progress: false });
    expect(new TextDecoder().decode((await bucket.get(key)).body)).toBe(chunked);
  });

  it('fails with InvalidArgument for a layer the extractor does not have, before writing a manifest', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    const err = await rejection(preprocessPrefix(bucket, { input: INPUT, progress: false, dataset: 'toy', split: 'train', extractor: { model: 'source', layer: 'nope' } }));
    expect(err).toMatchObject({ code: 'InvalidArgument', details: { reason: 'unknown-layer', layers: expect.arrayContaining(['features', 'classes']) } });
    expect(await bucket.exists('features/toy/train/manifest.json')).toBe(false);
  });

  it('rejects an extractor whose input is not the preprocessed image shape', async () => {
    const { bucket } = createTestBucket();
    await seed(bucket);
    const err = await rejection(preprocessPrefix(bucket, { input: { width: 5, height: 5, channels: 1 }, progress: false, dataset: 'toy', split: 'train', extractor: { model: 'source' } }));
    expect(err).toMatchObject({ code: 'InvalidArgument', details: { reason: 'input-shape', expected: [4, 4, 1], actual: [5, 5, 1] } });
  });
});

describe('extractor pixel scaling', () => {
  it('warns when the extractor recorded other normalisation than this preprocessing uses, and not when it matches', async () => {
    const { bucket } = createTestBucket();
    await bucket.put('raw/toy/train/0-c/a.png', await png(30));
    const store = new ModelStore(bucket, { signing: false });
    const model = sourceModel();
    const { version } = await store.save('source', model, { metadata: { preprocessing: { scale: 1 / 255, mean: [], std: [] } } });
    model.dispose();
    const records: LogRecord[] = [];
    const log = createLogger({ level: 'warn', sink: (r) => records.push(r) });
    const run = (normalize?: { mean: number[]; std: number[] }) =>
      preprocessPrefix(bucket, { input: INPUT, progress: false, dataset: 'toy', split: 'train', log, extractor: { model: 'source', version }, ...(normalize ? { normalize } : {}) });
    await run();
    expect(records).toEqual([]);
    await run({ mean: [0.5], std: [0.25] });
    expect(records).toEqual([expect.objectContaining({ level: 'warn', msg: 'the extractor was trained on differently normalised pixels', model: 'source' })]);
  });
});

describe('embedding shards', () => {
  it('round-trip labels and float32 rows, and refuse truncated bytes', () => {
    const shard = { header: { count: 2, dim: 2, dtype: 'float32' as const, source: { key: 's.pfs', sha256: 'ab' } }, labels: Int32Array.from([1, 0]), features: Float32Array.from([0.5, -1, 3.25, 1e-8]) };
    const bytes = encodeEmbeddingShard(shard);
    expect(decodeEmbeddingShard(bytes)).toEqual(shard);
    expect(() => decodeEmbeddingShard(bytes.subarray(0, bytes.length - 4))).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
