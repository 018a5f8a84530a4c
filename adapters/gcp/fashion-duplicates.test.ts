import { afterAll, beforeAll } from 'vitest';
import { RedisKeyValueStore } from '../redis/index.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { gcpHarness } from '../../test/gcp/runtime-harness.js';
import { startRedis } from '../../test/redis/redis-server.js';
import { runDuplicateDeliverySuite } from '../../test/support/fashion-duplicate-delivery.js';

// GCP: Functions Framework servers, Eventarc's CloudEvents delivered twice, Redis (Memorystore) for state.
const redis = await startRedis();
let standIn: GcsStandIn;
let runs = 0;
beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(async () => {
  await standIn?.close();
  await redis.stop();
});

runDuplicateDeliverySuite('gcp (Functions Framework servers, Eventarc) × redis', {
  runtime: { start: (app, options) => gcpHarness(standIn).start(app, options) },
  // A prefix per run: GET /model's 10 s cache of one run's model must not answer for the next.
  openState: async () => new RedisKeyValueStore({ url: redis.url, prefix: `fashion-state-${++runs}:` }),
});
