import { afterAll, beforeAll } from 'vitest';
import { encryptedBucket, generateLocalKey, localKey } from '../../../src/index.js';
import { runBucketConformance } from '../../../src/testing/index.js';
import type { LocalS3 } from '../../../test/aws/s3-server.js';
import { startLocalS3 } from '../../../test/aws/s3-server.js';
import { S3Bucket } from './s3-bucket.js';

/*
 * The whole bucket contract through encryptedBucket over a real local S3
 * (s3rver behind the conditional-write proxy, see s3-bucket.conformance.test.ts):
 * ciphertext streams through multipart uploads, the header rides in S3 user
 * metadata, and etags / conditional writes are S3's own.
 */
let s3: LocalS3;
let n = 0;
const kek = localKey(generateLocalKey());
beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.createBucket('encrypted');
});
afterAll(() => s3?.close());

runBucketConformance(
  'encrypted over S3Bucket (s3rver)',
  async () => ({ bucket: encryptedBucket(new S3Bucket(`s3://encrypted/run-${++n}/`, { client: s3.client, allowInsecureEndpoint: true }), kek) }),
  { timeoutMs: 120_000 },
);
