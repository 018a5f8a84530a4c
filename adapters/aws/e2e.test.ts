import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResponse } from '../../pipelines/image-classification/index.js';
import { ingest } from '../../examples/fashion-mnist/data/ingest.js';
import type { FashionMnist } from '../../examples/fashion-mnist/data/source.js';
import { testImagePng } from '../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData } from '../../examples/fashion-mnist/test-support.js';
import { httpApiEvent } from '../../test/aws/lambda-harness.js';
import { copyPrefix, MODELS_PREFIX, trainQuickModel } from '../../test/aws/quick-model.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { S3RVER_CREDENTIALS, startLocalS3 } from '../../test/aws/s3-server.js';
import type { ServerlessOffline } from '../../test/aws/serverless-offline.js';
import { startServerlessOffline } from '../../test/aws/serverless-offline.js';
import { s3PutEvent } from '../../test/aws/s3-put-event.js';
import { bundleAws } from './bundle/bundle-app.js';
import { S3Bucket } from './s3/s3-bucket.js';

/**
 * The bundled Fashion-MNIST functions in a real Lambda emulator:
 * `polyfaas bundle aws` output (zips + serverless.yml) run by serverless@3 with
 * serverless-offline, reading and writing a real local S3 (s3rver).
 */
const root = resolve(import.meta.dirname, '../..');
const BUCKET = 'polyfaas-e2e-fashion';
const SERVICE = 'fashion-mnist';
const STAGE = 'dev';
const lambdaName = (fn: string) => `${SERVICE}-${STAGE}-${fn}`;

describe('Fashion-MNIST bundle on serverless-offline (API Gateway + Lambda Invoke) against s3rver', () => {
  let s3: LocalS3;
  let offline: ServerlessOffline;
  let lambda: LambdaClient;
  let data: FashionMnist;
  let version: string;
  let png: Uint8Array;
  const outDir = join(root, `.polyfaas/test-aws-e2e-${process.pid}`);

  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.createBucket(BUCKET);
    data = await loadFixtureData();
    png = await testImagePng(data, 0);
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    const [, model] = await Promise.all([
      bundleAws({
        entry: join(root, 'examples/fashion-mnist/aws.ts'),
        outDir,
        region: 'us-east-1',
        // The deployed functions reach s3rver through the endpoint option of the s3:// binding.
        buckets: { data: `s3://${BUCKET}?endpoint=${encodeURIComponent(s3.endpoint)}` },
        // serverless-offline cannot emulate the IAM authorizer of the private default (bundle.test.ts checks that).
        public: true,
      }),
      trainQuickModel(data),
    ]);
    version = model.version;
    expect(await copyPrefix(model.bucket, new S3Bucket(`s3://${BUCKET}`, { client: s3.client }), MODELS_PREFIX)).toBeGreaterThan(0);
    // The one line a user adds to run the generated serverless.yml locally.
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

  /** Invoke synchronously through the emulator's Lambda API; the payload parsed, function errors thrown with the emulator output. */
  async function invoke(fn: string, event: unknown): Promise<unknown> {
    const out = await lambda.send(new InvokeCommand({ FunctionName: lambdaName(fn), Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
    if (out.FunctionError) throw new Error(`${fn} failed (${out.FunctionError}): ${text}\n--- serverless-offline output ---\n${offline.output()}`);
    return text ? JSON.parse(text) : undefined;
  }

  let viaGateway: PredictResponse;

  it('POST /predict through the API Gateway (HTTP API v2) answers with the model served from S3', async () => {
    // The real test PNG, as the JSON upload predict accepts: serverless-offline cannot pass a raw image body (next test).
    const res = await fetch(`${offline.httpUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: Buffer.from(png).toString('base64') }),
    });
    const text = await res.text();
    expect(res.status, `${text}\n${offline.output()}`).toBe(200);
    viaGateway = JSON.parse(text) as PredictResponse;
    expect(viaGateway).toMatchObject({ model: 'fashion-mnist', version });
    expect(viaGateway.predictions).toHaveLength(3);
  }, 90_000);

  it('a raw image/png body through serverless-offline arrives mangled: a known emulator limitation, answered 400', async () => {
    // API Gateway base64-encodes binary bodies (isBase64Encoded, covered by the Invoke test below);
    // serverless-offline 13.9 only does so for application/octet-stream and multipart/form-data and
    // decodes every other body as UTF-8 (src/utils/index.js possibleBinaryContentTypes; upstream
    // issues dherault/serverless-offline#464, #1774). If this starts answering 200, the emulator
    // was fixed: assert the prediction here instead.
    const res = await fetch(`${offline.httpUrl}/predict`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    expect({ status: res.status, code: body.error?.code }, JSON.stringify(body)).toEqual({ status: 400, code: 'InvalidArgument' });
    expect(body.error?.message).toMatch(/could not be decoded/);
  }, 60_000);

  it('Lambda Invoke of the predict function with an HTTP API v2 event gives the same answer', async () => {
    const result = (await invoke('predict', httpApiEvent({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: png }))) as {
      statusCode: number;
      body: string;
    };
    expect(result.statusCode, result.body).toBe(200);
    const body = JSON.parse(result.body) as PredictResponse;
    expect(body.version).toBe(version);
    expect(body.predictions[0]?.label).toBe(viaGateway.predictions[0]?.label);
  }, 60_000);

  it('Lambda Invoke of predict with a direct payload ({ image: base64 }) gives the same answer', async () => {
    const result = (await invoke('predict', { image: Buffer.from(png).toString('base64') })) as { statusCode: number; body: string };
    expect(result.statusCode, result.body).toBe(200);
    const body = JSON.parse(result.body) as PredictResponse;
    expect(body).toMatchObject({ model: 'fashion-mnist', version });
    expect(body.predictions[0]?.label).toBe(viaGateway.predictions[0]?.label);
  }, 60_000);

  it('Lambda Invoke of preprocess with a real S3 notification writes the features manifest to S3', async () => {
    const bucket = new S3Bucket(`s3://${BUCKET}`, { client: s3.client });
    const { test } = await ingest(bucket, data, { splits: ['test'], limit: 6 });
    const manifestKey = test?.manifestKey as string;
    // S3's own notification for the dataset manifest (the published example event, pointed at this object).
    const event = await s3PutEvent(BUCKET, manifestKey, await bucket.head(manifestKey));

    const result = await invoke('preprocess', event);
    expect(result).toEqual({ processed: 1, skipped: 0, rejected: 0 });
    const features = 'features/fashion-mnist/test/manifest.json';
    expect(await bucket.exists(features)).toBe(true);
    const manifest = JSON.parse(new TextDecoder().decode((await bucket.get(features)).body)) as unknown;
    expect(manifest).toMatchObject({ format: 'polyfaas.image-features/v1', dataset: 'fashion-mnist', split: 'test', count: 6, datasetManifest: { key: manifestKey } });
  }, 90_000);
});
