import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore, registerSchemes } from '../../adapters/memory/index.js';
import { createHttpRequest, json } from '../events/http.js';
import { defineApp, defineFunction } from '../function.js';
import { createLogger } from '../logger.js';
import { AppRuntime } from './app-runtime.js';

const visits = defineFunction({
  name: 'visits',
  trigger: { type: 'http', method: 'POST', path: '/visits/:page' },
  handler: async (req, ctx) => json({ page: req.params.page, count: await ctx.kv('counters').increment(`visits/${req.params.page}`) }),
});
const unknown = defineFunction({
  name: 'unknown',
  trigger: { type: 'http', method: 'GET', path: '/unknown' },
  handler: async (_req, { kv }) => json({ got: await kv('nope').get('x') }),
});
const log = createLogger({ level: 'silent' });
const post = (path: string) => createHttpRequest({ method: 'POST', path });
const bodyOf = (response: { body?: unknown }) => JSON.parse(String(response.body)) as unknown;

describe('app key-value stores', () => {
  it('opens stores declared by URL in defineApp and hands them to handlers as ctx.kv(name)', async () => {
    registerSchemes();
    const app = defineApp({ functions: [visits, unknown], stores: { counters: 'mem://app-stores-test' } });
    const runtime = await AppRuntime.create(app, { provider: 'memory', log });
    expect(bodyOf(await runtime.handleHttp(post('/visits/home')))).toEqual({ page: 'home', count: 1 });
    expect(bodyOf(await runtime.handleHttp(post('/visits/home')))).toEqual({ page: 'home', count: 2 });
    expect(runtime.kv('counters')).toBe(runtime.kv('counters'));
  });

  it('lets the runtime replace a binding with a store already open', async () => {
    const app = defineApp({ functions: [visits], stores: { counters: 'redis://not-used:6379' } });
    const store = new MemoryKeyValueStore('override');
    await store.put('visits/about', 41);
    const runtime = await AppRuntime.create(app, { provider: 'memory', log, stores: { counters: store } });
    expect(bodyOf(await runtime.handleHttp(post('/visits/about')))).toEqual({ page: 'about', count: 42 });
  });

  it('takes a binding from POLYFAAS_STORE_<NAME> over the app’s, and the runtime option over both', async () => {
    registerSchemes();
    const app = defineApp({ functions: [visits], stores: { counters: 'redis://not-used:6379' } });
    process.env.POLYFAAS_STORE_COUNTERS = 'mem://from-env';
    try {
      const runtime = await AppRuntime.create(app, { provider: 'memory', log });
      expect(runtime.kv('counters').name).toBe('mem://from-env');
      const store = new MemoryKeyValueStore('option');
      expect((await AppRuntime.create(app, { provider: 'memory', log, stores: { counters: store } })).kv('counters')).toBe(store);
    } finally {
      delete process.env.POLYFAAS_STORE_COUNTERS;
    }
  });

  it('answers 500 without details for a store the app does not declare', async () => {
    const runtime = await AppRuntime.create(defineApp({ functions: [unknown] }), { provider: 'memory', log });
    const response = await runtime.handleHttp(createHttpRequest({ method: 'GET', path: '/unknown' }));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('nope');
  });

  it('fails to start when a declared URL has no registered scheme', async () => {
    const app = defineApp({ functions: [visits], stores: { counters: 'nosuch://x' } });
    await expect(AppRuntime.create(app, { provider: 'memory', log })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
