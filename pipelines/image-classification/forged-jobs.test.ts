import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import { createImageClassificationApp } from './app.js';
import { CLASSES, onlyVersion, status, trainImages, upload } from './test-support/toy-pipeline.js';

/**
 * Anyone who can write to a job prefix can trigger the job functions with
 * anything. Each forged job must end as a coded error recorded for /status
 * (never a stack trace, never an internal path), write nothing a later run
 * could mistake for its own, and leave the pipeline able to run.
 */
async function startAllStages() {
  const app = createImageClassificationApp({
    dataset: 'toy',
    bucket: 'memory://toy',
    preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES, chunkSize: 8 },
    training: { epochs: 1, batchSize: 8, filters: [2, 2], denseUnits: 4, checkpointEverySteps: 1, workers: 2, roundSteps: 1 },
    evaluation: { chunkSize: 2, minTestExamples: 1 },
  });
  return createMemoryRuntime(app, { retryDelayMs: 1 });
}

const job = (format: string, fields: Record<string, unknown>) => JSON.stringify({ format, ...fields });

const FORGED: [string, string][] = [
  ['jobs/train-round/r1/round-00000/worker-0000-0000.json', 'not json'],
  ['jobs/train-round/r1/round-00000/worker-0000-0000.json', job('polyfaas.train-round/v1', {})],
  ['jobs/train-round/r1/round-00000/worker-0007-0000.json', job('polyfaas.train-round/v1', { round: 0, worker: 7, seq: 0, plan: { workers: 2, rounds: 1, shardSize: 8, examplesPerRound: 8, epochs: 1 }, run: { runId: 'r1', config: { workers: 2 }, train: { key: 'features/toy/train/manifest.json', etag: 'x' } } })],
  ['jobs/train-round/r1/round-00000/worker-0000-0000.json', job('polyfaas.train-round/v1', { round: 0, worker: 0, seq: 0, plan: { workers: 2 }, run: { runId: '../../models', config: { workers: 2 }, train: { key: '/etc/passwd', etag: 'x' } } })],
  ['jobs/train-reduce/r1/round-00000/worker-0000.json', 'not json'],
  ['jobs/train-reduce/not-a-marker.json', '{}'],
  ['jobs/evaluate/toy/v1/r1/chunk-000000.json', 'not json'],
  ['jobs/evaluate/toy/v1/r1/chunk-000000.json', job('polyfaas.evaluate-chunk/v1', { model: 'toy', version: 'v1', runId: 'r1', index: 5, chunks: 2, test: { shards: [] } })],
  ['jobs/preprocess/toy/train/r1/chunk-000000.json', 'not json'],
  ['jobs/preprocess/toy/train/r1/chunk-000000.json', job('polyfaas.preprocess-chunk/v1', { keys: ['../../../etc/passwd'] })],
];

describe('forged job files', () => {
  it.each(FORGED.map(([key, body]) => [`${key} = ${body.slice(0, 60)}`, key, body]))('%s: a coded failure or a skip, nothing written, no internals told', async (_label, key, body) => {
    const rt = await startAllStages();
    const bucket = rt.bucket('data');
    await bucket.put(key, body);
    await rt.idle();
    for (const dead of rt.deadLetters) {
      expect(dead.error.code).toMatch(/^(InvalidArgument|NotFound|DataLoss|FailedPrecondition)$/);
      expect(dead.error.message).not.toMatch(/\n\s+at |\/work\/|node_modules|\/tmp\//);
    }
    const s = await status(rt);
    if (s.lastError) expect(s.lastError.message).not.toMatch(/\n\s+at |\/work\/|node_modules/);
    // Nothing but the forged job itself and failure records: no model, alias, report, round model or features.
    const written: string[] = [];
    for await (const o of bucket.list()) written.push(o.key);
    expect(written.filter((k) => k !== key && k !== 'status/last-error.json')).toEqual([]);
  });

  it('refuses a well-formed evaluation chunk job stored under another run\'s key', async () => {
    const rt = await startAllStages();
    const other = job('polyfaas.evaluate-chunk/v1', { model: 'toy', version: 'v1', runId: 'r2', modelsPrefix: 'models/', alias: 'production', index: 0, chunks: 1, testRunId: 't', testExamples: 0, test: { shards: [], classes: CLASSES, count: 0 } });
    await rt.bucket('data').put('jobs/evaluate/toy/v1/r1/chunk-000000.json', other);
    await rt.idle();
    expect(rt.deadLetters.map((d) => [d.function, d.error.code, d.error.message])).toEqual([
      ['evaluate-chunk', 'InvalidArgument', 'jobs/evaluate/toy/v1/r1/chunk-000000.json holds a polyfaas.evaluate-chunk/v1 job written for another key'],
    ]);
  });

  it('refuses a well-formed round job stored under another round\'s key', async () => {
    const rt = await startAllStages();
    const round3 = job('polyfaas.train-round/v1', { round: 3, worker: 0, seq: 0, plan: { workers: 2, rounds: 4, shardSize: 8, examplesPerRound: 8, epochs: 1 }, run: { runId: 'r1', config: { workers: 2 }, train: { key: 'features/toy/train/manifest.json', etag: 'x' } } });
    await rt.bucket('data').put('jobs/train-round/r1/round-00000/worker-0000-0000.json', round3);
    await rt.idle();
    expect(rt.deadLetters.map((d) => [d.function, d.error.code, d.error.message])).toEqual([
      ['train-shard', 'InvalidArgument', 'jobs/train-round/r1/round-00000/worker-0000-0000.json holds a polyfaas.train-round/v1 job written for another key'],
    ]);
  });

  it('after every forged job, a real upload still trains, evaluates and promotes one version', async () => {
    const rt = await startAllStages();
    const bucket = rt.bucket('data');
    for (const [key, body] of FORGED) await bucket.put(key, body);
    await rt.idle();
    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230], ['0-dark', 20], ['1-light', 220]]);
    await rt.idle();
    const version = await onlyVersion(bucket);
    expect((await status(rt)).production).toBe(version);
  }, 120_000);
});
