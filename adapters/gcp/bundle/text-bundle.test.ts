import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from '../../../pipelines/text-classification/index.js';
import { SPAM_DATASET } from '../../../examples/spam-detection/app.js';
import { placeQuickSpamModel } from '../../../examples/spam-detection/quick-model.js';
import type { FrameworkProcess } from '../../../test/gcp/framework-process.js';
import { startFrameworkProcess } from '../../../test/gcp/framework-process.js';
import { GcsStandIn } from '../../../test/gcp/gcs-stand-in.js';
import { GcsBucket } from '../index.js';
import type { GcpBundle } from './gcp-bundle.js';
import { bundleGcpApp } from './gcp-bundle.js';

// Inside the repository, so the bundle's externals resolve from its node_modules as Cloud Build would install them.
const outDir = resolve(`.polyfaas/test-gcp-text-bundle-${process.pid}`);
let standIn: GcsStandIn;
let bundle: GcpBundle;
let version: string;
let classify: FrameworkProcess | undefined;

beforeAll(async () => {
  standIn = await GcsStandIn.start();
  standIn.createBucket('spam-models');
  [version, bundle] = await Promise.all([
    placeQuickSpamModel(new GcsBucket('spam-models', { prefix: 'spam/', storage: { apiEndpoint: standIn.url, projectId: 'test' } })),
    bundleGcpApp({ entry: 'examples/spam-detection/gcp.ts', outDir, buckets: { data: 'gs://spam-models/spam/' } }),
  ]);
}, 240_000);

afterAll(async () => {
  await classify?.stop();
  await standIn?.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('polyfaas bundle gcp on the spam-detection entry', () => {
  it('bundles every text function, and the bundled classify answers through the real functions-framework binary', async () => {
    expect(bundle.plans.map((p) => p.function).sort()).toEqual(['classify', 'evaluate-text', 'model-info', 'preprocess-text', 'train-text']);
    classify = await startFrameworkProcess({
      source: bundle.sourceDir,
      target: 'classify',
      env: { POLYFAAS_BUCKET_DATA: 'gs://spam-models/spam/', STORAGE_EMULATOR_HOST: standIn.url, GOOGLE_CLOUD_PROJECT: 'test', NODE_ENV: 'production', POLYFAAS_LOG_LEVEL: 'warn' },
    });
    const res = await fetch(`${classify.url}/classify`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Subject: cheap meds\nBuy now, click here' });
    const text = await res.text();
    expect(res.status, `${text}\n${classify.output()}`).toBe(200);
    const body = JSON.parse(text) as ClassifyResponse;
    expect(body).toMatchObject({ model: SPAM_DATASET, version });
    expect(Object.keys(body.results[0]?.probabilities ?? {})).toEqual(['ham', 'spam']);
    const many = await fetch(`${classify.url}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: Array.from({ length: 65 }, () => 'x') }) });
    expect([many.status, ((await many.json()) as { error: { code: string } }).error.code]).toEqual([413, 'PayloadTooLarge']);
  }, 120_000);
});
