import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import type { MemoryRuntime } from '../../adapters/memory/index.js';
import { createImageClassificationApp } from './app.js';
import { encodeDatasetManifest } from './dataset-manifest.js';
import { reportKey } from './jobs.js';
import type { RefusedEvaluation } from './report.js';
import type { PipelineStatus } from './status-function.js';

const CLASSES = ['dark', 'light'];

const png = (value: number) => sharp(Buffer.alloc(784, value), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer();

/** Upload a split: `images` as [label-dir, grey value] pairs, then its `_dataset.json`. */
async function upload(bucket: Bucket, split: string, images: [string, number][]): Promise<void> {
  for (const [i, [dir, value]] of images.entries()) await bucket.put(`raw/toy/${split}/${dir}/${i}.png`, await png(value));
  await bucket.put(`raw/toy/${split}/_dataset.json`, encodeDatasetManifest({ dataset: 'toy', split, count: images.length, classes: CLASSES }));
}

const trainImages = Array.from({ length: 16 }, (_, i): [string, number] => (i % 2 ? ['1-light', 200 + i] : ['0-dark', 10 + i]));

async function start(minTestExamples?: number): Promise<MemoryRuntime> {
  const app = createImageClassificationApp({
    dataset: 'toy',
    bucket: 'memory://toy',
    preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES },
    training: { epochs: 1, batchSize: 8, filters: [2, 2], denseUnits: 4, checkpointEverySteps: 1 },
    ...(minTestExamples !== undefined ? { evaluation: { minTestExamples } } : {}),
  });
  return createMemoryRuntime(app, { retryDelayMs: 1 });
}

const status = async (rt: MemoryRuntime) => {
  const res = await rt.http({ method: 'GET', path: '/status' });
  expect(res.status).toBe(200);
  return res.json<PipelineStatus>();
};

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function onlyVersion(bucket: Bucket): Promise<string> {
  const versions: string[] = [];
  for await (const obj of bucket.list({ prefix: 'models/toy/versions/' })) if (obj.key.endsWith('/manifest.json')) versions.push(obj.key.split('/')[3] as string);
  expect(versions).toHaveLength(1);
  return versions[0] as string;
}

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
