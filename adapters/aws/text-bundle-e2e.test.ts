import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from '../../pipelines/text-classification/index.js';
import { uploadTexts } from '../../pipelines/text-classification/index.js';
import { SPAM_DATASET } from '../../examples/spam-detection/app.js';
import { loadFixture } from '../../examples/spam-detection/fixture.js';
import { placeQuickSpamModel } from '../../examples/spam-detection/quick-model.js';
import { httpApiEvent } from '../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { S3RVER_CREDENTIALS, startLocalS3 } from '../../test/aws/s3-server.js';
import { s3PutEvent } from '../../test/aws/s3-put-event.js';
import type { ServerlessOffline } from '../../test/aws/serverless-offline.js';
import { startServerlessOffline } from '../../test/aws/serverless-offline.js';
import { bundleAws } from './bundle/bundle-app.js';
import { S3Bucket } from './s3/s3-bucket.js';

/**
 * The bundled spam-detection functions in a real Lambda emulator, as
 * adapters/aws/e2e.test.ts does for Fashion-MNIST: `polyfaas bundle aws`
 * output run by serverless@3 with serverless-offline against s3rver, serving
 * a model trained on the committed fixture.
 */
const root = resolve(import.meta.dirname, '../..');
const BUCKET = 'polyfaas-e2e-spam';
const lambdaName = (fn: string) => `spam-detection-dev-${fn}`;

describe('spam-detection bundle on serverless-offline (API Gateway + Lambda Invoke) against s3rver', () => {
  let s3: LocalS3;
  let offline: ServerlessOffline;
  let lambda: LambdaClient;
  let version: string;
  const outDir = join(root, `.polyfaas/test-aws-text-e2e-${process.pid}`);

  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.createBucket(BUCKET);
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    const [, placed] = await Promise.all([
      bundleAws({
        entry: join(root, 'examples/spam-detection/aws.ts'),
        outDir,
        region: 'us-east-1',
        buckets: { data: `s3://${BUCKET}?endpoint=${encodeURIComponent(s3.endpoint)}` },
        // serverless-offline cannot emulate the IAM authorizer of the private default.
        public: true,
      }),
      placeQuickSpamModel(new S3Bucket(`s3://${BUCKET}`, { client: s3.client })),
    ]);
    version = placed;
    await appendFile(join(outDir, 'serverless.yml'), 'plugins:\n  - serverless-offline\n');
    offline = await startServerlessOffline(outDir, {
      env: { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey },
      timeoutMs: 90_000,
    });
    lambda = new LambdaClient({ endpoint: offline.lambdaEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' } });
  }, 240_000);

  afterAll(async () => {
    lambda?.destroy();
    await offline?.stop();
    await s3?.close();
    await rm(outDir, { recursive: true, force: true });
  }, 60_000);

  /** Invoke synchronously through the emulator's Lambda API; function errors thrown with the emulator output. */
  async function invoke(fn: string, event: unknown): Promise<unknown> {
    const out = await lambda.send(new InvokeCommand({ FunctionName: lambdaName(fn), Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
    if (out.FunctionError) throw new Error(`${fn} failed (${out.FunctionError}): ${text}\n--- serverless-offline output ---\n${offline.output()}`);
    return text ? JSON.parse(text) : undefined;
  }

  it('POST /classify through the API Gateway answers plain text and JSON batches with the model served from S3', async () => {
    const plain = await fetch(`${offline.httpUrl}/classify`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Subject: cheap meds\nBuy now, click here' });
    const text = await plain.text();
    expect(plain.status, `${text}\n${offline.output()}`).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ model: SPAM_DATASET, version });
    const messages = await loadFixture();
    const batch = await fetch(`${offline.httpUrl}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: messages.slice(0, 3).map((m) => m.text) }) });
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as ClassifyResponse).results.map((r) => Object.keys(r.probabilities))).toEqual([
      ['ham', 'spam'],
      ['ham', 'spam'],
      ['ham', 'spam'],
    ]);
  }, 90_000);

  it('Lambda Invoke of classify with an HTTP API v2 event answers, and refuses too many texts with a code', async () => {
    const ok = (await invoke('classify', httpApiEvent({ method: 'POST', path: '/classify', headers: { 'content-type': 'application/json' }, body: '{"text":"see you at the meeting"}' }))) as {
      statusCode: number;
      body: string;
    };
    expect(ok.statusCode, ok.body).toBe(200);
    expect((JSON.parse(ok.body) as ClassifyResponse).version).toBe(version);
    const many = (await invoke('classify', httpApiEvent({ method: 'POST', path: '/classify', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: Array.from({ length: 65 }, () => 'x') }) }))) as {
      statusCode: number;
      body: string;
    };
    expect([many.statusCode, (JSON.parse(many.body) as { error: { code: string } }).error.code]).toEqual([413, 'PayloadTooLarge']);
  }, 60_000);

  it('Lambda Invoke of preprocess-text with a real S3 notification tokenizes the uploaded split into S3', async () => {
    const bucket = new S3Bucket(`s3://${BUCKET}`, { client: s3.client });
    await uploadTexts(bucket, await loadFixture(), { dataset: SPAM_DATASET, testRatio: 0.25, seed: 17 });
    const key = `raw/${SPAM_DATASET}/train/_dataset.json`;
    const result = await invoke('preprocess-text', await s3PutEvent(BUCKET, key, await bucket.head(key)));
    expect(result).toEqual({ processed: 1, skipped: 0, rejected: 0 });
    const features = JSON.parse(new TextDecoder().decode((await bucket.get(`features/${SPAM_DATASET}/train/manifest.json`)).body)) as unknown;
    expect(features).toMatchObject({ dataset: SPAM_DATASET, split: 'train', count: 240 });
  }, 120_000);
});
