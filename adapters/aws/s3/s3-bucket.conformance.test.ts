import { afterAll, beforeAll } from 'vitest';
import { runBucketConformance } from '../../../src/testing/index.js';
import type { LocalS3 } from '../../../test/aws/s3-server.js';
import { startLocalS3 } from '../../../test/aws/s3-server.js';
import { S3Bucket } from './s3-bucket.js';

/*
 * The whole bucket contract against a real local S3 server (s3rver), through
 * the real SDK over HTTP. s3rver ignores If-None-Match / If-Match on writes,
 * so test/aws/conditional-proxy.ts (in front of s3rver) implements them as S3
 * does — atomic per key, 412 PreconditionFailed — and the conditional-write
 * tests of the suite run for real instead of being skipped. The exact request
 * parameters and error mapping are also pinned with aws-sdk-client-mock in
 * s3-driver.test.ts.
 */
let s3: LocalS3;
let n = 0;
beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.createBucket('conformance');
});
afterAll(() => s3?.close());

// A fresh prefix per test is a fresh, empty bucket, and proves keys are relative to the prefix.
runBucketConformance('S3Bucket (s3rver)', async () => ({ bucket: new S3Bucket(`s3://conformance/run-${++n}/`, { client: s3.client }) }), { timeoutMs: 120_000 });
