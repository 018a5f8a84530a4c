import { afterAll, beforeAll } from 'vitest';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import { startDynalite } from '../../test/aws/dynalite.js';
import { startOnLambda } from '../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { startLocalS3 } from '../../test/aws/s3-server.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { DynamoKeyValueStore } from './index.js';

const dynalite = await startDynalite();
const table = await dynalite.createTable('idem');
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
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

// No bucket-backed run over s3rver here: s3rver writes objects in place, so a read racing a write can see a torn
// body (real S3 PUTs are atomic). The bucket-backed store runs over FileBucket (local) and Azurite's blobs (azure).

