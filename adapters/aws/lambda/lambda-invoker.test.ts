import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { map } from '../../../src/index.js';
import type { LocalS3 } from '../../../test/aws/s3-server.js';
import { S3RVER_CREDENTIALS, startLocalS3 } from '../../../test/aws/s3-server.js';
import type { ServerlessOffline } from '../../../test/aws/serverless-offline.js';
import { startServerlessOffline } from '../../../test/aws/serverless-offline.js';
import { bundleAws } from '../bundle/bundle-app.js';
import { S3Bucket } from '../s3/s3-bucket.js';
import { lambdaInvoker } from './lambda-invoker.js';

/** map over Lambda's Invoke API: a bundled map function in serverless-offline, its bucket on s3rver. */
const root = resolve(import.meta.dirname, '../../..');
const BUCKET = 'polyfaas-map-test';

describe('map over Lambda Invoke (serverless-offline, s3rver)', () => {
  let s3: LocalS3;
  let offline: ServerlessOffline;
  let client: LambdaClient;
  const outDir = join(root, `.polyfaas/test-aws-map-${process.pid}`);

  beforeAll(async () => {
    s3 = await startLocalS3();
    await s3.createBucket(BUCKET);
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    await bundleAws({
      entry: join(import.meta.dirname, '../test-support/map-entry.ts'),
      outDir,
      region: 'us-east-1',
      buckets: { data: `s3://${BUCKET}?endpoint=${encodeURIComponent(s3.endpoint)}` },
      public: true,
    });
    await appendFile(join(outDir, 'serverless.yml'), 'plugins:\n  - serverless-offline\n');
    offline = await startServerlessOffline(outDir, {
      env: { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey },
      timeoutMs: 90_000,
    });
    client = new LambdaClient({ endpoint: offline.lambdaEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' } });
  }, 240_000);

  afterAll(async () => {
    client?.destroy();
    await offline?.stop();
    await s3?.close();
    await rm(outDir, { recursive: true, force: true });
  }, 60_000);

  it('maps items in order with retries and coded per-item errors, results committed in S3', async () => {
    const bucket = new S3Bucket(`s3://${BUCKET}`, { client: s3.client });
    const items = Array.from({ length: 30 }, (_, n) => ({ n, failFirst: n % 10 === 4, invalid: n === 29 }));
    const run = await map<(typeof items)[number], { square: number; launch: number }>('square', items, {
      invoker: lambdaInvoker({ client, functionName: (fn) => `maps-dev-${fn}` }),
      bucket,
      concurrency: 6,
      backoffMs: 5,
      stragglers: false,
    });
    expect(run.items.slice(0, 29).map((i) => i.ok && i.value.square)).toEqual(items.slice(0, 29).map((i) => i.n * i.n));
    expect(run.items[4]).toMatchObject({ ok: true, value: { launch: 2 }, launches: 2 });
    const last = run.items[29];
    expect(last?.ok === false && [last.error.code, last.error.message, last.launches]).toEqual(['InvalidArgument', 'item 29 is invalid', 1]);
    expect(await bucket.exists(`_polyfaas/map/${run.id}/out/28.json`)).toBe(true);
  }, 120_000);

  it('turns a Lambda that does not exist into a coded, not retried error', async () => {
    const bucket = new S3Bucket(`s3://${BUCKET}`, { client: s3.client });
    const run = await map('square', [{ n: 1 }], { invoker: lambdaInvoker({ client, functionName: () => 'maps-dev-nope' }), bucket, backoffMs: 1 });
    const only = run.items[0];
    expect(only?.ok === false && [only.error.code, only.launches]).toEqual(['NotFound', 1]);
  }, 60_000);
});
