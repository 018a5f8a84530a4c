import { describe, expect, it } from 'vitest';
import { createStorageEvent } from '../../src/index.js';
import { createMemoryRuntime, MemoryBucket } from '../../adapters/memory/index.js';
import { loadFixture, QUICK_TRAINING } from '../../examples/spam-detection/fixture.js';
import { createTextClassificationApp } from './app.js';
import { textReportKey } from './text-evaluate-function.js';
import { uploadTexts } from './upload-texts.js';

const ALIAS = 'models/mail/aliases/production.json';

/** The text pipeline on the committed mail fixture, run to its evaluation (no baselines: the gate is under test). */
async function run(minTestExamples?: number) {
  const app = createTextClassificationApp({
    dataset: 'mail',
    bucket: new MemoryBucket('mail'),
    training: { ...QUICK_TRAINING, baselines: false },
    ...(minTestExamples ? { evaluation: { minTestExamples } } : {}),
  });
  const rt = await createMemoryRuntime(app, { retryDelayMs: 1 });
  const bucket = rt.bucket('data');
  await uploadTexts(bucket, await loadFixture(), { dataset: 'mail', testRatio: 0.25, seed: 17 });
  await rt.idle();
  expect(rt.deadLetters).toEqual([]);
  const manifests: string[] = [];
  for await (const o of bucket.list({ prefix: 'models/mail/versions/' })) if (o.key.endsWith('/manifest.json')) manifests.push(o.key);
  expect(manifests).toHaveLength(1);
  const report = async (version: string) => JSON.parse(new TextDecoder().decode((await bucket.get(textReportKey('mail', version, 'json'))).body)) as Record<string, unknown>;
  return { rt, bucket, manifest: manifests[0] as string, version: (manifests[0] as string).split('/')[3] as string, report };
}

describe('evaluate-text promotion gate (shared with the image pipeline)', () => {
  it('moves the alias when a crash hit between the report and the promotion', async () => {
    const { rt, bucket, manifest, version, report } = await run();
    expect(await report(version)).toMatchObject({ promoted: true });
    await bucket.delete(ALIAS);
    expect(await rt.invoke('evaluate-text', createStorageEvent({ kind: 'created', bucket: 'data', key: manifest }))).toEqual({
      status: 'skipped',
      reason: 'already evaluated; promotion finished',
    });
    expect(JSON.parse(new TextDecoder().decode((await bucket.get(ALIAS)).body))).toMatchObject({ version });
    // Redelivered again with the alias in place: nothing to do.
    expect(await rt.invoke('evaluate-text', createStorageEvent({ kind: 'created', bucket: 'data', key: manifest }))).toEqual({ status: 'skipped', reason: 'already evaluated' });
  }, 120_000);

  it('refuses to judge a candidate on too few test texts, records why, and promotes nothing', async () => {
    const { bucket, version, report } = await run(81);
    expect(await report(version)).toMatchObject({
      model: 'mail',
      version,
      evaluated: false,
      promoted: false,
      reason: 'not evaluated: the test split has 80 examples, fewer than the minimum of 81',
      testExamples: 80,
      minTestExamples: 81,
    });
    expect(await bucket.exists(ALIAS)).toBe(false);
  }, 120_000);
});
