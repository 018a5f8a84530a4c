import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { createImageClassificationApp } from './app.js';
import type { TrainingProgress } from '../shared/training-progress.js';
import { trainingProgressKey } from '../shared/training-progress.js';
import { RUNS_PREFIX } from './jobs.js';
import { ROUND_DONE_PREFIX, ROUND_JOBS_PREFIX } from './round-jobs.js';
import type { TrainingConfig } from './training-config.js';
import { CLASSES, onlyVersion, trainImages, upload } from './test-support/toy-pipeline.js';

/** 16 images, 2 workers, batches of 2, two steps per round, 2 epochs: 4 rounds. No dropout, so a resumed round is bit-exact. */
const TRAINING = { epochs: 2, batchSize: 2, filters: [2, 2] as [number, number], denseUnits: 4, dropout: 0, checkpointEverySteps: 1, workers: 2, roundSteps: 2 };

async function keys(bucket: Bucket, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const obj of bucket.list({ prefix })) out.push(obj.key);
  return out;
}

/** Run the toy pipeline data-parallel to a saved version; its weights, the bucket and the runtime. */
async function run(options: { deliverTwice?: boolean; bucket?: Bucket; training?: Partial<TrainingConfig> } = {}) {
  const app = createImageClassificationApp({
    dataset: 'toy',
    bucket: 'memory://toy',
    preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES },
    training: { ...TRAINING, ...options.training },
    evaluation: { minTestExamples: 2 },
  });
  const rt = await createMemoryRuntime(app, { retryDelayMs: 1, ...(options.deliverTwice ? { deliverTwice: true } : {}), ...(options.bucket ? { buckets: { data: options.bucket } } : {}) });
  const bucket = rt.bucket('data');
  await upload(bucket, 'train', trainImages);
  await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
  await rt.idle();
  expect(rt.deadLetters).toEqual([]);
  const version = await onlyVersion(bucket);
  const weights = (await bucket.get(`models/toy/versions/${version}/weights.bin`)).body;
  return { rt, bucket, version, weights };
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  const [x, y] = [new Float32Array(a.slice().buffer), new Float32Array(b.slice().buffer)];
  expect(x.length).toBe(y.length);
  return Math.max(...x.map((v, i) => Math.abs(v - (y[i] as number))));
}

/** A memory bucket whose puts of the given keys fail on the listed attempts (1-based), as a crashed invocation would. */
function crashingBucket(faults: Record<string, number[]>): { bucket: Bucket; crashed: string[] } {
  const inner = new MemoryBucket();
  const seen = new Map<string, number>();
  const crashed: string[] = [];
  const bucket = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'put') return Reflect.get(target, prop, receiver) as unknown;
      return async (key: string, ...rest: unknown[]) => {
        const fault = Object.entries(faults).find(([suffix]) => key.endsWith(suffix));
        if (fault) {
          const n = (seen.get(key) ?? 0) + 1;
          seen.set(key, n);
          if (fault[1].includes(n)) {
            crashed.push(`${key}#${n}`);
            throw new PolyfaasError('Unavailable', 'injected crash');
          }
        }
        return (target.put as (...args: unknown[]) => Promise<unknown>).call(target, key, ...rest);
      };
    },
  });
  return { bucket, crashed };
}

describe('data-parallel training (training.workers = 2) on the memory runtime', () => {
  it('trains in rounds to one version, evaluated as usual, with the same weights on a second run', async () => {
    const first = await run();
    const jobs = await keys(first.bucket, ROUND_JOBS_PREFIX);
    const runId = jobs[0]?.split('/')[2] as string;
    // 4 rounds × 2 workers, one job each (nobody ran out of time).
    expect(jobs).toHaveLength(8);
    const manifest = JSON.parse(new TextDecoder().decode((await first.bucket.get(`models/toy/versions/${first.version}/manifest.json`)).body)) as { metadata: { runId: string; history: unknown[]; config: { workers: number } } };
    expect(manifest.metadata).toMatchObject({ runId, config: { workers: 2 } });
    expect(manifest.metadata.history).toHaveLength(4);
    expect(await first.bucket.exists(`reports/toy/${first.version}.json`)).toBe(true);
    const res = await first.rt.http({ method: 'GET', path: '/status' });
    expect((await res.json<{ runs: { runId: string; jobs: number; version?: string }[] }>()).runs).toEqual([expect.objectContaining({ runId, jobs: 8, version: first.version })]);
    // Progress as `train` publishes it, one step per reduced round: what the console's Training page shows.
    const progress = JSON.parse(new TextDecoder().decode((await first.bucket.get(trainingProgressKey(runId))).body)) as TrainingProgress;
    expect(progress).toMatchObject({ runId, model: 'toy', state: 'finished', version: first.version, step: 4, totalSteps: 4, etaSeconds: 0 });
    expect(progress.points.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    // The round checkpoints and markers go once the version is saved.
    expect(await keys(first.bucket, `${RUNS_PREFIX}${runId}/rounds/`)).toEqual([]);
    expect(await keys(first.bucket, ROUND_DONE_PREFIX)).toEqual([]);
    const second = await run();
    expect(Buffer.from(second.weights).equals(Buffer.from(first.weights))).toBe(true);
  }, 120_000);

  it('with every event delivered twice, trains each round once: one version, the same weights', async () => {
    const once = await run();
    const twice = await run({ deliverTwice: true });
    expect(Buffer.from(twice.weights).equals(Buffer.from(once.weights))).toBe(true);
  }, 120_000);

  it('resumes a worker that crashed mid-round and a reducer that crashed, to the same weights', async () => {
    const once = await run();
    const { bucket, crashed } = crashingBucket({
      // Worker 1's round-1 end checkpoint (it resumes from the one after its first batch) and the first write of round 2's model.
      'rounds/round-00001/worker-0001/state.json': [2],
      'rounds/round-00002/model/state.json': [1],
    });
    const resumed = await run({ bucket });
    expect(crashed).toHaveLength(2);
    // Equal to float rounding: on restore tfjs' Adam recomputes beta^t with pow() where the uninterrupted
    // run multiplied it up step by step (1 ulp). A round trained twice or lost would move weights by ~1e-3.
    expect(maxDifference(resumed.weights, once.weights)).toBeLessThan(1e-6);
  }, 120_000);

  it('applies the rate scale, warm-up and server momentum it is configured with, deterministically', async () => {
    const plain = await run();
    const unscaled = await run({ training: { roundRateScale: 1 } });
    const warmed = await run({ training: { roundRateWarmup: 2 } });
    const momentum = await run({ training: { roundMomentum: 0.5 } });
    const again = await run({ training: { roundMomentum: 0.5 } });
    // Different training, not float noise (a resumed run differs from an uninterrupted one by < 1e-6).
    for (const other of [unscaled, warmed, momentum]) expect(maxDifference(other.weights, plain.weights)).toBeGreaterThan(1e-5);
    expect(Buffer.from(again.weights).equals(Buffer.from(momentum.weights))).toBe(true);
  }, 120_000);

  it('leaves a single-worker config hashing as before (no workers field)', async () => {
    const { resolveTrainingConfig } = await import('./training-config.js');
    expect(resolveTrainingConfig({ workers: 1, roundSteps: 5 })).toEqual(resolveTrainingConfig({}));
    expect(resolveTrainingConfig({ workers: 3 })).toMatchObject({ workers: 3, roundSteps: 50, roundOptimizer: 'average', roundRateScale: 3, roundRateWarmup: 0, roundMomentum: 0 });
    expect(() => resolveTrainingConfig({ workers: 2, roundMomentum: 1 })).toThrow(/roundMomentum/);
    expect(() => resolveTrainingConfig({ workers: 2, roundRateScale: 0 })).toThrow(/roundRateScale/);
    expect(() => resolveTrainingConfig({ workers: 0 })).toThrow(/workers/);
  });
});
