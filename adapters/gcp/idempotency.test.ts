import { afterAll, beforeAll } from 'vitest';
import { RedisKeyValueStore } from '../redis/index.js';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { gcpHarness } from '../../test/gcp/runtime-harness.js';
import { startRedis } from '../../test/redis/redis-server.js';

// On GCP the store is Redis (Memorystore): Functions Framework servers on loopback, redis-server for the records.
const redis = await startRedis();
let standIn: GcsStandIn;
beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(async () => {
  await standIn?.close();
  await redis.stop();
});

runIdempotencyConformance('gcp (Functions Framework servers) × redis', {
  runtime: { start: (app, options) => gcpHarness(standIn).start(app, options) },
  openStore: async () => new RedisKeyValueStore({ url: redis.url, prefix: 'gcp-idem:' }),
});
