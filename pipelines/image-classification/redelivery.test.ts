import { describe, expect, it } from 'vitest';
import { createStorageEvent } from '../../src/index.js';
import { RUNS_PREFIX, TRAIN_JOBS_PREFIX } from './jobs.js';
import { onlyVersion, start, status, trainImages, upload } from './test-support/toy-pipeline.js';

const ALIAS = 'models/toy/aliases/production.json';

/** Run the toy pipeline to a promoted model. */
async function finished() {
  const rt = await start(2);
  const bucket = rt.bucket('data');
  await upload(bucket, 'train', trainImages);
  await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
  await rt.idle();
  expect(rt.deadLetters).toEqual([]);
  return { rt, bucket, version: await onlyVersion(bucket) };
}

const created = (key: string) => createStorageEvent({ kind: 'created', bucket: 'data', key });

describe('pipeline steps redelivered after a crash', () => {
  it('evaluate moves the alias when a crash hit between the report and the promotion', async () => {
    const { rt, bucket, version } = await finished();
    await bucket.delete(ALIAS);
    await rt.idle();
    await rt.invoke('evaluate', created(`models/toy/versions/${version}/manifest.json`));
    expect((await status(rt)).production).toBe(version);
  }, 60_000);

  it('train adopts the version its run saved before a crash instead of saving a second one', async () => {
    const { rt, bucket, version } = await finished();
    const jobs: string[] = [];
    for await (const obj of bucket.list({ prefix: TRAIN_JOBS_PREFIX })) jobs.push(obj.key);
    const runId = jobs[0]?.split('/')[2] as string;
    await bucket.delete(`${RUNS_PREFIX}${runId}/result.json`);
    await rt.idle();
    const outcome = await rt.invoke('train', created(jobs[0] as string));
    expect(outcome).toEqual({ status: 'finished', runId, version });
    await rt.idle();
    expect(await onlyVersion(bucket)).toBe(version);
    expect(await bucket.exists(`${RUNS_PREFIX}${runId}/result.json`)).toBe(true);
  }, 60_000);
});
