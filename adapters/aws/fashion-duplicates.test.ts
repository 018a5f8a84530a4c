import { afterAll, beforeAll } from 'vitest';
import { DynamoKeyValueStore } from './index.js';
import { startDynalite } from '../../test/aws/dynalite.js';
import { startOnLambda } from '../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { startLocalS3 } from '../../test/aws/s3-server.js';
import { runDuplicateDeliverySuite } from '../../test/support/fashion-duplicate-delivery.js';

// AWS: the Lambda adapter's handlers, s3rver's notifications delivered twice as async invocations, DynamoDB (dynalite) for state.
const dynalite = await startDynalite();
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.close();
  await dynalite.stop();
});

runDuplicateDeliverySuite('aws (Lambda adapter, s3rver) × dynamodb (dynalite)', {
  runtime: { start: (app, options) => startOnLambda(s3, app, options) },
  openState: async () =>
    new DynamoKeyValueStore({
      table: await dynalite.createTable('fashion-state'),
      clientConfig: { endpoint: dynalite.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } },
    }),
});
