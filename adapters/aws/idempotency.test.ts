import { afterAll, beforeAll } from 'vitest';
import { BucketKeyValueStore } from '../../src/adapter.js';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import { startDynalite } from '../../test/aws/dynalite.js';
import { startOnLambda } from '../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { startLocalS3 } from '../../test/aws/s3-server.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { DynamoKeyValueStore, S3Bucket } from './index.js';

const dynalite = await startDynalite();
const table = await dynalite.createTable('idem');
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.createBucket('idem-records');
});
afterAll(async () => {
  await s3?.close();
  await dynalite.stop();
});

// Each instance gets a DynamoDB client of its own, as two Lambda execution environments would.
const openDynamo = async () =>
  new DynamoKeyValueStore({
    table,
    clientConfig: { endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } },
  });

runIdempotencyConformance('aws (Lambda adapter) × dynamodb (dynalite)', {
  runtime: { start: (app, options) => startOnLambda(s3, app, options) },
  openStore: openDynamo,
});

runIdempotencyConformance('memory runtime × dynamodb (dynalite)', { runtime: memoryHarness, openStore: openDynamo });

// The bucket-backed store over S3 (s3rver): CAS by the driver's own versions through conditional writes.
runIdempotencyConformance('memory runtime × bucket-backed store on S3 (s3rver)', {
  runtime: memoryHarness,
  openStore: async () => new BucketKeyValueStore(new S3Bucket('s3://idem-records/state/', { client: s3.client })),
});
