import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { defineApp } from '../../src/index.js';
import { encodeDatasetManifest } from './dataset-manifest.js';
import { readFeaturesManifest } from './features-manifest.js';
import { labelDir } from './layout.js';
import { createPreprocessFunction } from './preprocess.js';
import { preprocessPrefix } from './preprocess-batch.js';
import { createPreprocessChunkFunction } from './preprocess-chunk-function.js';
import { PREPROCESS_JOBS_PREFIX, readChunkJob } from './preprocess-chunk-job.js';
import { runChunk } from './preprocess-chunks.js';
import { createImageClassificationApp } from './app.js';
import { createTestBucket } from './test-bucket.js';
import { CLASSES as TOY_CLASSES, onlyVersion, trainImages, upload as uploadToy } from './test-support/toy-pipeline.js';
import { encodeFixture, readFixture } from './test-support/image-folder.js';

/** Real Fashion-MNIST images (the committed subset) and one corrupt file, so chunks also carry error records. */
const IMAGES = 300;
const PER_SHARD = 16;
/** Rounded up to 64 images (4 shards): 5 chunks, the last one short. */
const CHUNK_SIZE = 50;
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const MANIFEST = 'features/fashion/train/manifest.json';
const settings = { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES, examplesPerShard: PER_SHARD, augment: { copies: 1, seed: 3, maxShift: 2 } } as const;

const fixture = await readFixture('test');
const pngs = await Promise.all(Array.from({ length: IMAGES }, (_, i) => encodeFixture(fixture, i)));

/** The same uploads in the same order into a fresh bucket: with its counter etags, every run sees identical inputs. */
async function upload(bucket: Bucket): Promise<void> {
  for (let i = 0; i < IMAGES; i++) await bucket.put(`raw/fashion/train/${labelDir(fixture.labels[i]!, CLASSES[fixture.labels[i]!]!)}/${String(i).padStart(4, '0')}.png`, pngs[i]!);
  await bucket.put('raw/fashion/train/3-dress/0150-corrupt.png', pngs[0]!.subarray(0, 40));
  await bucket.put('raw/fashion/train/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'train', count: IMAGES + 1, classes: CLASSES }));
}

/** Ingest the split through the memory runtime's storage events; returns the bucket and every key written. */
async function ingest(chunkSize: number | undefined, deliverTwice = false) {
  const { bucket, writes } = createTestBucket('data');
  const app = defineApp({
    name: 'chunks',
    buckets: { data: bucket },
    functions: [
      createPreprocessFunction({ ...settings, bucket: 'data', incremental: false, ...(chunkSize ? { chunkSize } : {}) }),
      createPreprocessChunkFunction({ bucket: 'data' }),
    ],
  });
  const rt = await createMemoryRuntime(app, { retryDelayMs: 1, deliverTwice });
  await upload(rt.bucket('data'));
  await rt.idle();
  expect(rt.deadLetters).toEqual([]);
  return { bucket, writes };
}

/** Only the planning function: chunk jobs are written and left for the test to run. */
const planOnly = (bucket: Bucket) =>
  defineApp({ name: 'plan-only', buckets: { data: bucket }, functions: [createPreprocessFunction({ ...settings, bucket: 'data', incremental: false, chunkSize: CHUNK_SIZE })] });

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The manifest's bytes and every shard's bytes it lists. */
async function outputs(bucket: Bucket) {
  const manifest = (await bucket.get(MANIFEST)).body;
  const parsed = JSON.parse(text(manifest)) as { shards: { key: string }[] };
  const shards = await Promise.all(parsed.shards.map(async (s) => Buffer.from((await bucket.get(s.key)).body).toString('base64')));
  return { manifest: text(manifest), shards };
}

async function keysUnder(bucket: Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of bucket.list({ prefix })) keys.push(info.key);
  return keys;
}

describe('chunked preprocessing', () => {
  it('writes, in parallel chunk invocations, the manifest and shards one invocation writes, once, even when every event comes twice', async () => {
    const one = await ingest(undefined);
    const reference = await outputs(one.bucket);
    const { manifest } = (await readFeaturesManifest(one.bucket, MANIFEST))!;
    // labelCounts counts the images read (not their augmented copies), as it always has.
    const labelCounts = Array.from({ length: 10 }, (_, label) => fixture.labels.subarray(0, IMAGES).filter((l) => l === label).length);
    expect(manifest).toMatchObject({ count: 2 * IMAGES, labelCounts, errors: { count: 1 }, inputs: { found: IMAGES + 1 } });
    expect(await keysUnder(one.bucket, PREPROCESS_JOBS_PREFIX)).toEqual([]);

    for (const deliverTwice of [false, true]) {
      const chunked = await ingest(CHUNK_SIZE, deliverTwice);
      const jobs = await keysUnder(chunked.bucket, PREPROCESS_JOBS_PREFIX);
      expect(jobs).toHaveLength(Math.ceil((IMAGES + 1) / 64));
      expect(await keysUnder(chunked.bucket, `features/fashion/train/batches/${manifest.runId}/chunks/`)).toHaveLength(jobs.length);
      expect(await outputs(chunked.bucket)).toEqual(reference);
      expect(chunked.writes.filter((k) => k === MANIFEST)).toHaveLength(1);
    }
  }, 60_000);

  it('counts a chunk once however many times and however concurrently it runs', async () => {
    const { bucket: reference } = await ingest(undefined);
    const { bucket, writes } = createTestBucket('data');
    const rt = await createMemoryRuntime(planOnly(bucket));
    await upload(rt.bucket('data'));
    await rt.idle();
    const jobs = await Promise.all((await keysUnder(bucket, PREPROCESS_JOBS_PREFIX)).map((key) => readChunkJob(bucket, key)));
    expect(jobs.length).toBeGreaterThan(2);
    // Every chunk three times at once (redeliveries racing the original); the last chunk's are the only ones that can see the set complete.
    const runs = await Promise.all(jobs.flatMap((job) => [job, job, job]).map((job) => runChunk(job, { raw: bucket, output: bucket })));
    expect(runs.filter((r) => r.manifest === 'written')).toHaveLength(1);
    expect(writes.filter((k) => k === MANIFEST)).toHaveLength(1);
    expect(await outputs(bucket)).toEqual(await outputs(reference));
    expect((await runChunk(jobs[0]!, { raw: bucket, output: bucket })).manifest).toBe('up-to-date');
  }, 60_000);

  it('leaves the manifest alone when a newer upload of the split superseded the run', async () => {
    const { bucket, writes } = createTestBucket('data');
    const rt = await createMemoryRuntime(planOnly(bucket));
    await upload(rt.bucket('data'));
    await rt.idle();
    const older = await Promise.all((await keysUnder(bucket, PREPROCESS_JOBS_PREFIX)).map((key) => readChunkJob(bucket, key)));
    // A new image and a new `_dataset.json`: a new run, planned (its jobs wait, nobody runs them here).
    await rt.bucket('data').put('raw/fashion/train/0-t-shirt-top/9999.png', pngs[1]!);
    await rt.bucket('data').put('raw/fashion/train/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'train', count: IMAGES + 2, classes: CLASSES }));
    await rt.idle();
    const runs = await Promise.all(older.map((job) => runChunk(job, { raw: bucket, output: bucket })));
    const states = runs.map((r) => r.manifest);
    expect(states).toContain('superseded');
    expect(states.every((s) => s === 'waiting' || s === 'superseded')).toBe(true);
    expect(writes).not.toContain(MANIFEST);
  }, 60_000);

  it('fires again, on the next `_dataset.json` event, only the chunks that never finished', async () => {
    const { bucket, writes } = createTestBucket('data');
    const planning = await createMemoryRuntime(planOnly(bucket));
    await upload(planning.bucket('data'));
    await planning.idle();
    const jobs = await keysUnder(bucket, PREPROCESS_JOBS_PREFIX);
    // Every chunk but the last ran; the last died (its retries spent, say).
    for (const key of jobs.slice(0, -1)) await runChunk(await readChunkJob(bucket, key), { raw: bucket, output: bucket });
    expect(await bucket.exists(MANIFEST)).toBe(false);
    const before = writes.length;
    const rt = await createMemoryRuntime(defineApp({ ...planOnly(bucket), functions: [...planOnly(bucket).functions, createPreprocessChunkFunction({ bucket: 'data' })] }));
    await rt.bucket('data').put('raw/fashion/train/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'train', count: IMAGES + 1, classes: CLASSES }));
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    expect(writes.slice(before).filter((k) => k.startsWith(PREPROCESS_JOBS_PREFIX))).toEqual([jobs.at(-1)]);
    expect(writes.filter((k) => k === MANIFEST)).toHaveLength(1);
    // The one-invocation run of the same objects (the second `_dataset.json` included) writes the same manifest.
    const chunked = await outputs(bucket);
    await bucket.delete(MANIFEST);
    await preprocessPrefix(bucket, { ...settings, dataset: 'fashion', split: 'train', progress: false });
    expect(await outputs(bucket)).toEqual(chunked);
  }, 60_000);

  it('chains into training in the whole app: one model from a chunked split, every event delivered twice', async () => {
    const app = createImageClassificationApp({
      dataset: 'toy',
      bucket: 'memory://toy',
      preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: TOY_CLASSES, examplesPerShard: 4, chunkSize: 4 },
      training: { epochs: 1, batchSize: 8, filters: [2, 2], denseUnits: 4, checkpointEverySteps: 1 },
      evaluation: { minTestExamples: 2 },
    });
    const rt = await createMemoryRuntime(app, { retryDelayMs: 1, deliverTwice: true });
    const bucket = rt.bucket('data');
    await uploadToy(bucket, 'train', trainImages);
    await uploadToy(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    expect(await keysUnder(bucket, `${PREPROCESS_JOBS_PREFIX}toy/train/`)).toHaveLength(trainImages.length / 4);
    const { manifest } = (await readFeaturesManifest(bucket, 'features/toy/train/manifest.json'))!;
    expect(manifest.count).toBe(trainImages.length);
    await onlyVersion(bucket);
  }, 60_000);

  it('rejects a chunk size that is not a positive integer when the function is defined', () => {
    expect(() => createPreprocessFunction({ ...settings, bucket: 'data', chunkSize: 0 })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
