import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { ModelStore } from '../../src/model/index.js';
import { tinyModel } from '../../src/model/test-helpers.js';
import { adoptSavedVersion } from './adopt-saved-version.js';
import { Checkpointer } from './checkpoint.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('adoptSavedVersion', () => {
  const run = (runId: string) => ({
    modelName: 'm',
    runId,
    resultKey: `runs/${runId}/result.json`,
    record: (version: string) => ({ runId, version }),
  });

  it('finds nothing to adopt before the run saved a version, and leaves no result', async () => {
    const bucket = new MemoryBucket();
    const store = new ModelStore(bucket);
    expect(await adoptSavedVersion(bucket, store, run('r1'), new Checkpointer(bucket, 'ck/'))).toBeUndefined();
    await store.save('m', tinyModel(), { labels: ['a', 'b', 'c'], metadata: { runId: 'another-run' } });
    expect(await adoptSavedVersion(bucket, store, run('r1'), new Checkpointer(bucket, 'ck/'))).toBeUndefined();
    expect(await bucket.exists('runs/r1/result.json')).toBe(false);
  });

  it('adopts the version the run saved before dying, once: a second redelivery is told the run is finished', async () => {
    const bucket = new MemoryBucket();
    const store = new ModelStore(bucket);
    const saved = await store.save('m', tinyModel(), { labels: ['a', 'b', 'c'], metadata: { runId: 'r1' } });
    const first = await adoptSavedVersion(bucket, store, run('r1'), new Checkpointer(bucket, 'ck/'));
    expect(first).toEqual({ status: 'finished', runId: 'r1', version: saved.version });
    const recorded = JSON.parse(new TextDecoder().decode((await bucket.get('runs/r1/result.json')).body)) as unknown;
    expect(recorded).toEqual({ runId: 'r1', version: saved.version });
    const second = await adoptSavedVersion(bucket, store, run('r1'), new Checkpointer(bucket, 'ck/'));
    expect(second).toEqual({ status: 'skipped', runId: 'r1', reason: 'run already finished' });
  });
});
