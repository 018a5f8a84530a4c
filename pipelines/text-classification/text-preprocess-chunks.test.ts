import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { createStorageEvent, defineApp } from '../../src/index.js';
import { loadFixture } from '../../examples/spam-detection/fixture.js';
import { createTestBucket } from '../shared/test-bucket.js';
import { createTextClassificationApp } from './app.js';
import { readTextChunkJob, TEXT_CHUNK_JOBS_PREFIX } from './text-chunk-job.js';
import { runTextChunk } from './text-preprocess-chunks.js';
import { createTextPreprocessChunkFunction } from './text-preprocess-chunk-function.js';
import { createTextPreprocessFunction } from './text-preprocess-function.js';
import { resolveTextTrainingConfig } from './text-training-config.js';
import { uploadTexts } from './upload-texts.js';

/** The committed spam subset (320 messages: 256 train, 64 test), in JSONL parts of 70 so chunks straddle parts. */
const examples = await loadFixture();
const PER_SHARD = 16;
/** Rounded up to 48 records (3 shards): 6 train chunks, the last one short, and 2 test chunks. */
const CHUNK_SIZE = 40;
const training = resolveTextTrainingConfig({ epochs: 1 });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Preprocess the fixture through the memory runtime's storage events; returns the bucket. */
async function preprocess(chunkSize: number | undefined, deliverTwice = false): Promise<Bucket> {
  // Counter etags: every run sees identical inputs, so the runs (and shard keys) are the same.
  const { bucket } = createTestBucket('data');
  const common = { bucket: 'data', dataset: 'spam', modelName: 'spam', training };
  const app = defineApp({
    name: 'text-chunks',
    buckets: { data: bucket },
    functions: [createTextPreprocessFunction({ ...common, examplesPerShard: PER_SHARD, ...(chunkSize ? { chunkSize } : {}) }), createTextPreprocessChunkFunction(common)],
  });
  const rt = await createMemoryRuntime(app, { retryDelayMs: 1, deliverTwice });
  await uploadTexts(rt.bucket('data'), examples, { dataset: 'spam', recordsPerPart: 70, seed: 1 });
  await rt.idle();
  expect(rt.deadLetters).toEqual([]);
  return bucket;
}

async function keysUnder(bucket: Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of bucket.list({ prefix })) keys.push(info.key);
  return keys;
}

/** Both manifests' bytes, every shard they list, and the training jobs planned. */
async function outputs(bucket: Bucket) {
  const result: Record<string, unknown> = {};
  for (const split of ['train', 'test']) {
    const manifest = text((await bucket.get(`features/spam/${split}/manifest.json`)).body);
    const shards = await Promise.all((JSON.parse(manifest) as { shards: { key: string }[] }).shards.map(async (s) => Buffer.from((await bucket.get(s.key)).body).toString('base64')));
    result[split] = { manifest, shards };
  }
  result.jobs = await keysUnder(bucket, 'jobs/train-text/');
  return result;
}

describe('chunked text preprocessing', () => {
  const whole = preprocess(undefined).then(async (bucket) => ({ bucket, outputs: await outputs(bucket) }));

  it('encodes the spam fixture in chunks into the one-invocation features, byte for byte, and plans the same training', async () => {
    const one = await whole;
    expect(await keysUnder(one.bucket, TEXT_CHUNK_JOBS_PREFIX)).toEqual([]);
    const train = JSON.parse((one.outputs.train as { manifest: string }).manifest) as { count: number; shards: unknown[] };
    expect(train.count).toBe(256);
    expect(train.shards).toHaveLength(16);
    expect(one.outputs.jobs).toHaveLength(1);

    const chunked = await preprocess(CHUNK_SIZE);
    expect(await keysUnder(chunked, `${TEXT_CHUNK_JOBS_PREFIX}spam/train/`)).toHaveLength(6);
    expect(await keysUnder(chunked, `${TEXT_CHUNK_JOBS_PREFIX}spam/test/`)).toHaveLength(2);
    expect((await keysUnder(chunked, 'features/spam/runs/')).filter((k) => k.endsWith('/tokenizer.json'))).toHaveLength(1);
    expect(await outputs(chunked)).toEqual(one.outputs);
  });

  it('gives the same features when the memory runtime delivers every event twice', async () => {
    const chunked = await preprocess(CHUNK_SIZE, true);
    expect(await keysUnder(chunked, `${TEXT_CHUNK_JOBS_PREFIX}spam/train/`)).toHaveLength(6);
    expect(await outputs(chunked)).toEqual((await whole).outputs);
  });

  it('encodes in one invocation, with no chunk objects, when both splits fit one chunk', async () => {
    const fits = await preprocess(256);
    expect(await keysUnder(fits, TEXT_CHUNK_JOBS_PREFIX)).toEqual([]);
    expect(await keysUnder(fits, 'features/spam/runs/')).toEqual([]);
    expect(await outputs(fits)).toEqual((await whole).outputs);
  });

  it('leaves the manifests to a newer upload, and planning again re-fires only the chunks without a done marker', async () => {
    const { bucket } = createTestBucket('data');
    const common = { bucket: 'data', dataset: 'spam', modelName: 'spam', training };
    const plan = { dataset: 'spam', modelName: 'spam', training, trainSplit: 'train', testSplit: 'test' };
    // Only the planning function: the chunk jobs are left for the test to run.
    const app = defineApp({ name: 'plan-only', buckets: { data: bucket }, functions: [createTextPreprocessFunction({ ...common, examplesPerShard: PER_SHARD, chunkSize: CHUNK_SIZE })] });
    const rt = await createMemoryRuntime(app, { retryDelayMs: 1 });
    const upload = async (items: typeof examples) => {
      // skipUnchanged: the edit rewrites one split only, so one planning (one new run) follows it.
      await uploadTexts(rt.bucket('data'), items, { dataset: 'spam', recordsPerPart: 70, seed: 1, skipUnchanged: true });
      await rt.idle();
    };
    await upload(examples);
    const oldJobs = await keysUnder(bucket, TEXT_CHUNK_JOBS_PREFIX);
    expect(oldJobs).toHaveLength(8);

    // One chunk finishes; a second planning of the same data re-fires the other seven only.
    const first = await runTextChunk(await readTextChunkJob(bucket, oldJobs[0]!), bucket, plan);
    expect(first).toMatchObject({ built: true, manifest: 'waiting' });
    const again = await rt.invoke('preprocess-text', createStorageEvent({ kind: 'created', bucket: 'data', key: 'raw/spam/train/_dataset.json' }));
    expect(again).toMatchObject({ status: 'chunked', chunks: 8, jobsWritten: 7 });

    // A changed message is a new upload and a new run; the old run's last chunks must not write its manifests.
    await upload(examples.map((e, i) => (i === 0 ? { ...e, text: `${e.text} (edited)` } : e)));
    const newJobs = (await keysUnder(bucket, TEXT_CHUNK_JOBS_PREFIX)).filter((k) => !oldJobs.includes(k));
    expect(newJobs).toHaveLength(8);
    const oldStates = [];
    for (const key of oldJobs) oldStates.push((await runTextChunk(await readTextChunkJob(bucket, key), bucket, plan)).manifest);
    expect(oldStates).toContain('superseded');
    expect(oldStates.every((s) => s === 'waiting' || s === 'superseded')).toBe(true);
    expect(await keysUnder(bucket, 'features/spam/train/manifest.json')).toEqual([]);
    expect(await keysUnder(bucket, 'jobs/train-text/')).toEqual([]);

    const newStates = [];
    for (const key of newJobs) newStates.push(await runTextChunk(await readTextChunkJob(bucket, key), bucket, plan));
    expect(newStates.filter((s) => s.manifest === 'written')).toHaveLength(2);
    expect(newStates.filter((s) => s.training?.created)).toHaveLength(1);
    expect(await keysUnder(bucket, 'jobs/train-text/')).toHaveLength(1);
  });

  it('createTextClassificationApp({ preprocess: { chunkSize } }) adds the chunk function; without it the app is unchanged', () => {
    const names = (app: ReturnType<typeof createTextClassificationApp>) => app.functions.map((f) => f.name);
    const base = { dataset: 'spam', bucket: 'memory://data' } as const;
    expect(names(createTextClassificationApp(base))).not.toContain('preprocess-text-chunk');
    expect(names(createTextClassificationApp({ ...base, preprocess: { chunkSize: 1000 } }))).toContain('preprocess-text-chunk');
    expect(() => createTextClassificationApp({ ...base, preprocess: { chunkSize: 0 } })).toThrow(/chunkSize/);
  });
});
