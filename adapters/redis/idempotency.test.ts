import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { startRedis } from '../../test/redis/redis-server.js';
import { RedisKeyValueStore } from './index.js';

const server = await startRedis();
afterAll(() => server.stop());
const prefix = `idem-${randomUUID()}:`;

// Each instance has its own connection, as two deployments would.
runIdempotencyConformance('memory runtime × redis', {
  runtime: memoryHarness,
  openStore: async () => new RedisKeyValueStore({ url: server.url, prefix }),
});
