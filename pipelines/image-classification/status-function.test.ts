import { describe, expect, it } from 'vitest';
import { planRounds } from '../shared/round-shards.js';
import type { TrainJob } from './jobs.js';
import { roundJobBody, roundKeys } from './round-jobs.js';
import { start, status } from './test-support/toy-pipeline.js';

const run = { format: 'polyfaas.train-job/v1', runId: 'r1', seq: 0, dataset: 'toy', modelName: 'toy', train: { key: 'features/toy/train/manifest.json', etag: 'e' }, test: { key: 'features/toy/test/manifest.json', etag: 'e' }, config: { workers: 2, roundSteps: 5, batchSize: 4, epochs: 3, seed: 1 } } as unknown as TrainJob;

describe('GET /status of a data-parallel run', () => {
  it('says which round of how many the run is in, from its latest round job', async () => {
    const rt = await start();
    const bucket = rt.bucket('data');
    const plan = planRounds({ count: 200, workers: 2, epochs: 3, batchSize: 4, roundSteps: 5 });
    const keys = roundKeys('r1');
    // Rounds 0 and 1 done, round 2 under way; each job's train-shard invocation finds no features and skips.
    for (const r of [0, 1, 2]) for (const w of [0, 1]) await bucket.put(keys.jobKey(r, w, 0), roundJobBody(run, plan, r, w));
    await rt.idle();
    const s = await status(rt);
    expect(plan.rounds).toBe(15);
    expect(s.runs).toEqual([{ runId: 'r1', jobs: 6, stage: 'training', round: { current: 3, of: 15 } }]);
    expect(s.pendingJobs).toEqual([keys.jobKey(2, 1, 0)]);
  });

  it('still answers, as training without a round, when the latest round job is not one', async () => {
    const rt = await start();
    const bucket = rt.bucket('data');
    await bucket.put(roundKeys('r2').jobKey(0, 0, 0), 'not json');
    await rt.idle();
    const s = await status(rt);
    expect(s.runs).toEqual([{ runId: 'r2', jobs: 1, stage: 'training' }]);
  });
});
