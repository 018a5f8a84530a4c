import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPolyfaasError, openKeyValueStore } from '../../src/index.js';
import { runKeyValueConformance } from '../../src/testing/index.js';
import { startRedis } from '../../test/redis/redis-server.js';
import { RedisKeyValueStore, registerSchemes } from './index.js';

const server = await startRedis();
afterAll(() => server.stop());

runKeyValueConformance('redis', {
  open: async () => new RedisKeyValueStore({ url: server.url, prefix: 'conf:' }),
  processes: { url: `${server.url}?prefix=conf:`, module: path.resolve(import.meta.dirname, 'index.ts') },
});

describe('RedisKeyValueStore', () => {
  it('opens by redis:// URL, keeping the prefix out of the name and in front of every key', async () => {
    registerSchemes();
    const kv = await openKeyValueStore(`${server.url}/0?prefix=app:`);
    expect(kv.name).toBe(`${server.url}/0`);
    await kv.put('k', 'v');
    const raw = new RedisKeyValueStore({ url: server.url });
    expect((await raw.get('app:k'))?.value).toBe('v');
    expect(await raw.get('k')).toBeUndefined();
    await kv.close();
    await raw.close();
  }, 30_000);

  it('lets Redis reap expired entries itself (PXAT), not only hide them', async () => {
    const kv = new RedisKeyValueStore({ url: server.url, prefix: 'reap:' });
    const probe = new RedisKeyValueStore({ url: server.url });
    await kv.put('short', 1, { ttlMs: 50 });
    await new Promise((r) => setTimeout(r, 150));
    // Read the raw key through a store without prefix: gone from Redis, not just filtered.
    expect(await probe.get('reap:short')).toBeUndefined();
    await kv.close();
    await probe.close();
  });

  it('recovers once a restarted server is back, without being reopened', async () => {
    const own = await startRedis();
    const kv = new RedisKeyValueStore({ url: own.url });
    await kv.put('k', 1);
    await own.stop();
    expect(isPolyfaasError(await kv.get('k').catch((e: unknown) => e), 'Unavailable')).toBe(true);
    // Let the client exhaust its reconnect attempts, as an instance idle through a failover would.
    await new Promise((r) => setTimeout(r, 1_000));
    const again = await startRedis({ port: own.port });
    try {
      expect(await kv.get('k')).toBeUndefined(); // a fresh server: no persistence, but a working connection
      await kv.put('k', 2);
      expect((await kv.get('k'))?.value).toBe(2);
    } finally {
      await kv.close();
      await again.stop();
    }
  }, 30_000);

  it('fails with Unavailable when the server is unreachable', async () => {
    const kv = new RedisKeyValueStore({ url: 'redis://127.0.0.1:1' });
    const err = await kv.get('x').catch((e: unknown) => e);
    expect(isPolyfaasError(err, 'Unavailable')).toBe(true);
    // The next call tries again rather than reusing a client that gave up.
    expect(isPolyfaasError(await kv.get('x').catch((e: unknown) => e), 'Unavailable')).toBe(true);
    await kv.close();
  }, 10_000);
});
