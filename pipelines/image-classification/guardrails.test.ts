import { describe, expect, it } from 'vitest';
import { reportKey } from './jobs.js';
import type { RefusedEvaluation } from '../shared/report.js';
import { onlyVersion, start, status, text, trainImages, upload } from './test-support/toy-pipeline.js';

describe('pipeline guardrails', () => {
  it('never evaluates or promotes on a test split with no usable example, says why, and shows it in /status', async () => {
    const rt = await start();
    const bucket = rt.bucket('data');
    await upload(bucket, 'train', trainImages);
    await rt.idle();
    // One split only: training waits, visibly.
    const waiting = await status(rt);
    expect(waiting.waitingFor).toEqual(['test']);
    expect(waiting.splits).toMatchObject({ train: { uploaded: true, features: { examples: 16 } }, test: { uploaded: false, features: null } });
    expect(waiting.runs).toEqual([]);
    expect(rt.logs.some((r) => r.msg === 'waiting for the other split before training' && r.missing === 'features/toy/test/manifest.json')).toBe(true);

    // The test split's only image has a class the pipeline does not know.
    await upload(bucket, 'test', [['zz-unknown', 100]]);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    const version = await onlyVersion(bucket);
    const report = JSON.parse(text((await bucket.get(reportKey('toy', version, 'json'))).body)) as RefusedEvaluation;
    expect(report).toMatchObject({ evaluated: false, promoted: false, testExamples: 0, minTestExamples: 10 });
    expect(report.reason).toMatch(/test split has 0 examples/);
    expect(await bucket.exists('models/toy/aliases/production.json')).toBe(false);
    expect(rt.logs.some((r) => r.level === 'warn' && r.msg === 'candidate not evaluated; the alias stays where it is')).toBe(true);

    const after = await status(rt);
    expect(after.waitingFor).toEqual([]);
    expect(after.splits.test).toMatchObject({ uploaded: true, features: { examples: 0, errors: 1 } });
    expect(after.runs).toEqual([expect.objectContaining({ stage: 'not-evaluated', version, reason: report.reason, jobs: 1 })]);
    expect(after.pendingJobs).toEqual([]);
    expect(after.production).toBeNull();
  }, 60_000);

  it('honours a configured minimum, and promotes once the test split is large enough', async () => {
    const rt = await start(3);
    const bucket = rt.bucket('data');
    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    const refused = JSON.parse(text((await bucket.get(reportKey('toy', await onlyVersion(bucket), 'json'))).body)) as RefusedEvaluation;
    expect(refused.reason).toMatch(/2 examples, fewer than the minimum of 3/);

    const ok = await start(2);
    await upload(ok.bucket('data'), 'train', trainImages);
    await upload(ok.bucket('data'), 'test', [['0-dark', 12], ['1-light', 230]]);
    await ok.idle();
    const s = await status(ok);
    expect(s.production).toBe(await onlyVersion(ok.bucket('data')));
    expect(s.runs).toEqual([expect.objectContaining({ stage: 'promoted', accuracy: expect.any(Number) })]);
  }, 60_000);

  it('shows the last failure of a step in /status without internal details', async () => {
    const rt = await start();
    const bucket = rt.bucket('data');
    await bucket.put('raw/toy/train/_dataset.json', 'not json');
    await rt.idle();
    expect(rt.deadLetters).toHaveLength(1);
    const s = await status(rt);
    expect(s.lastError).toMatchObject({ function: 'preprocess', key: 'raw/toy/train/_dataset.json', code: 'InvalidArgument', attempt: 3 });
    expect(s.lastError?.message).toMatch(/not JSON/);
  });
});
