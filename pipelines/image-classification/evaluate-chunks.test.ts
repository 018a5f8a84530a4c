import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { EvaluationReport } from '../shared/report.js';
import { createTestBucket } from './test-bucket.js';
import { EVALUATE_JOBS_PREFIX, EVALUATIONS_PREFIX, readEvaluateChunkJob } from './evaluate-chunk-job.js';
import { groupShards, runEvaluateChunk } from './evaluate-chunks.js';
import { createEvaluateFunction } from './evaluate-function.js';
import { reportKey } from './jobs.js';
import { CHUNK_SIZE, evaluateApp, MODEL, seedEvaluation, TEST_IMAGES } from './test-support/evaluate-app.js';
import { createImageClassificationApp } from './app.js';
import { CLASSES as TOY_CLASSES, onlyVersion, trainImages, upload as uploadToy } from './test-support/toy-pipeline.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function keysUnder(bucket: Bucket, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of bucket.list({ prefix })) keys.push(info.key);
  return keys;
}

/** Seed 1's layer scores 13.3% on the split, seed 2's 6.3%: one order promotes the candidate, the other does not. */
describe.each([
  { candidate: 'beats', seeds: { production: 2, candidate: 1 }, promoted: true },
  { candidate: 'does not beat', seeds: { production: 1, candidate: 2 }, promoted: false },
])('chunked evaluation of a candidate that $candidate production', ({ seeds, promoted }) => {
  /** The test split, production and candidate, written once; every run starts from a copy. */
  const seed = createTestBucket('seed').bucket;
  let seeded: Awaited<ReturnType<typeof seedEvaluation>>;
  let jsonReport: string;
  let one: Awaited<ReturnType<typeof evaluate>>;
  let reference: Awaited<ReturnType<typeof outcome>>;

  beforeAll(async () => {
    seeded = await seedEvaluation(seed, seeds);
    jsonReport = reportKey(MODEL, seeded.version, 'json');
    one = await evaluate(undefined);
    reference = await outcome(one.bucket);
  }, 60_000);

  async function copyOfSeed() {
    const copy = createTestBucket('data');
    for await (const info of seed.list({ prefix: '' })) {
      const obj = await seed.get(info.key);
      await copy.bucket.put(info.key, obj.body, { contentType: obj.contentType ?? 'application/octet-stream' });
    }
    copy.writes.length = 0;
    return copy;
  }

  /** Start the evaluation as a save does, by writing the candidate's manifest (the same bytes) through the runtime. */
  async function evaluate(chunkSize: number | undefined, options: { deliverTwice?: boolean; chunkFunction?: boolean } = {}) {
    const { bucket, writes } = await copyOfSeed();
    const evaluated: EvaluationReport[] = [];
    const app = evaluateApp(chunkSize, { bucket, hooks: { onEvaluated: (r) => evaluated.push(r) }, ...(options.chunkFunction === false ? { chunkFunction: false } : {}) });
    const rt = await createMemoryRuntime(app, { retryDelayMs: 1, deliverTwice: options.deliverTwice ?? false });
    await rt.bucket('data').put(seeded.manifestKey, (await seed.get(seeded.manifestKey)).body, { contentType: 'application/json' });
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    return { bucket, writes, evaluated };
  }

  /** The stored report and its HTML without the time they were written, and where the alias points. */
  async function outcome(bucket: Bucket) {
    const { evaluatedAt, ...report } = JSON.parse(text((await bucket.get(jsonReport)).body)) as EvaluationReport;
    const html = text((await bucket.get(reportKey(MODEL, seeded.version, 'html'))).body).replace(evaluatedAt, '');
    return { report, html, production: (await new ModelStore(bucket).resolveAlias(MODEL, 'production')).version };
  }

  /** The chunk jobs of an evaluation planned but not run. */
  async function plannedJobs() {
    const planned = await evaluate(CHUNK_SIZE, { chunkFunction: false });
    const jobs = await Promise.all((await keysUnder(planned.bucket, EVALUATE_JOBS_PREFIX)).map((key) => readEvaluateChunkJob(planned.bucket, key)));
    expect(jobs.length).toBeGreaterThan(2);
    expect(await planned.bucket.exists(jsonReport)).toBe(false);
    return { ...planned, jobs };
  }

  it('is judged in one invocation against a production model measured on the same split', async () => {
    expect(reference.report.metrics.count).toBe(TEST_IMAGES);
    expect(reference.report.baseline).toEqual({ version: seeded.production, accuracy: expect.any(Number) });
    expect(reference.report.promoted).toBe(promoted);
    expect(reference.production).toBe(promoted ? seeded.version : seeded.production);
    expect(reference.report.metrics.confusion.flat().filter((n) => n > 0).length).toBeGreaterThan(10);
    // The default path writes no chunk objects.
    expect(await keysUnder(one.bucket, EVALUATE_JOBS_PREFIX)).toEqual([]);
    expect(await keysUnder(one.bucket, EVALUATIONS_PREFIX)).toEqual([]);
    expect(one.evaluated).toHaveLength(1);
  });

  it('writes, in parallel chunk invocations, the report and promotion one invocation makes, once, even when every event comes twice', async () => {
    for (const deliverTwice of [false, true]) {
      const chunked = await evaluate(CHUNK_SIZE, { deliverTwice });
      expect(await keysUnder(chunked.bucket, EVALUATE_JOBS_PREFIX)).toHaveLength(Math.ceil(TEST_IMAGES / 64));
      expect(await outcome(chunked.bucket)).toEqual(reference);
      expect(chunked.writes.filter((k) => k === jsonReport)).toHaveLength(1);
      expect(chunked.evaluated).toHaveLength(1);
    }
  }, 120_000);

  it('writes the report once however many times and however concurrently each chunk runs', async () => {
    const { bucket, writes, jobs } = await plannedJobs();
    const evaluated: EvaluationReport[] = [];
    const hooks = { onEvaluated: (r: EvaluationReport) => evaluated.push(r) };
    // Every chunk three times at once (redeliveries racing the original).
    const runs = await Promise.all(jobs.flatMap((job) => [job, job, job]).map((job) => runEvaluateChunk(job, { bucket, hooks })));
    expect(runs.filter((r) => r.report === 'written')).toHaveLength(1);
    expect(writes.filter((k) => k === jsonReport)).toHaveLength(1);
    expect(evaluated).toHaveLength(1);
    expect(await outcome(bucket)).toEqual(reference);
    expect(await runEvaluateChunk(jobs[0]!, { bucket, hooks })).toMatchObject({ report: 'up-to-date', scored: false });
    expect(evaluated).toHaveLength(1);
  }, 120_000);

  it('leaves the report to the newer run when the candidate was planned again with another baseline', async () => {
    const { bucket, writes, jobs } = await plannedJobs();
    // Production moved before the chunks ran, and the version event came again: a new run, judged against nobody.
    await new ModelStore(bucket).promote(MODEL, seeded.version, 'production');
    const replanned = await createMemoryRuntime(evaluateApp(CHUNK_SIZE, { bucket, chunkFunction: false }), { retryDelayMs: 1 });
    await replanned.bucket('data').put(seeded.manifestKey, (await seed.get(seeded.manifestKey)).body, { contentType: 'application/json' });
    await replanned.idle();
    const runs = await Promise.all(jobs.map((job) => runEvaluateChunk(job, { bucket })));
    expect(runs.map((r) => r.report)).toContain('superseded');
    expect(runs.every((r) => r.report === 'waiting' || r.report === 'superseded')).toBe(true);
    expect(writes).not.toContain(jsonReport);
  }, 120_000);

  it('moves the alias as the report says when a chunk event comes again after a crash before the promotion', async () => {
    const { bucket, jobs } = await plannedJobs();
    for (const job of jobs) await runEvaluateChunk(job, { bucket });
    // As if the finisher died between its report and the alias: production still at the baseline.
    await new ModelStore(bucket).promote(MODEL, seeded.production, 'production');
    expect((await runEvaluateChunk(jobs.at(-1)!, { bucket })).report).toBe('up-to-date');
    expect(await outcome(bucket)).toEqual(reference);
  }, 120_000);
});

describe('chunked evaluation in the whole app', () => {
  it('evaluates a trained model in chunk invocations and promotes it, every event delivered twice', async () => {
    const evaluated: EvaluationReport[] = [];
    const app = createImageClassificationApp({
      dataset: 'toy',
      bucket: 'memory://toy',
      preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: TOY_CLASSES, examplesPerShard: 4 },
      training: { epochs: 1, batchSize: 8, filters: [2, 2], denseUnits: 4, checkpointEverySteps: 1 },
      evaluation: { minTestExamples: 2, chunkSize: 4 },
      hooks: { onEvaluated: (r) => evaluated.push(r) },
    });
    const rt = await createMemoryRuntime(app, { retryDelayMs: 1, deliverTwice: true });
    const bucket = rt.bucket('data');
    await uploadToy(bucket, 'train', trainImages);
    await uploadToy(bucket, 'test', Array.from({ length: 12 }, (_, i): [string, number] => (i % 2 ? ['1-light', 220 + i] : ['0-dark', 5 + i])));
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    const version = await onlyVersion(bucket);
    expect(await keysUnder(bucket, `${EVALUATE_JOBS_PREFIX}toy/${version}/`)).toHaveLength(3);
    expect(evaluated).toEqual([expect.objectContaining({ version, promoted: true, reason: 'first model: nothing in production yet', metrics: expect.objectContaining({ count: 12 }) })]);
    expect((await new ModelStore(bucket).resolveAlias('toy', 'production')).version).toBe(version);
  }, 60_000);
});

describe('evaluation chunk sizes', () => {
  it('cut a test split into whole shards, and one that is not a positive integer fails when the function is defined', () => {
    expect(groupShards([{ count: 16 }, { count: 16 }, { count: 16 }, { count: 5 }], 20)).toEqual([
      { from: 0, to: 2, count: 32 },
      { from: 2, to: 4, count: 21 },
    ]);
    expect(groupShards([{ count: 16 }], 100)).toEqual([{ from: 0, to: 1, count: 16 }]);
    for (const chunkSize of [0, -1, 1.5]) expect(() => createEvaluateFunction({ bucket: 'data', modelName: MODEL, chunkSize })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
