import { describe, expect, it } from 'vitest';
import { defineApp, defineFunction, json } from '../../src/index.js';
import { createMemoryRuntime, MemoryKeyValueStore } from './index.js';

const visit = defineFunction({
  name: 'visit',
  trigger: { type: 'http', method: 'POST', path: '/visit' },
  handler: async (_req, ctx) => json({ n: await ctx.kv('counters').increment('visits') }),
});
const app = defineApp({ functions: [visit], stores: { counters: 'redis://prod-cache:6379' } });

describe('createMemoryRuntime and key-value stores', () => {
  it('swaps every store declared by URL for a fresh memory store, so unit tests need no server', async () => {
    const first = await createMemoryRuntime(app);
    expect((await first.http({ method: 'POST', path: '/visit' })).json()).toEqual({ n: 1 });
    expect((await first.http({ method: 'POST', path: '/visit' })).json()).toEqual({ n: 2 });
    const second = await createMemoryRuntime(app);
    expect((await second.http({ method: 'POST', path: '/visit' })).json()).toEqual({ n: 1 });
  });

  it('takes a store the test passes', async () => {
    const counters = new MemoryKeyValueStore('given');
    await counters.put('visits', 9);
    const runtime = await createMemoryRuntime(app, { stores: { counters } });
    expect((await runtime.http({ method: 'POST', path: '/visit' })).json()).toEqual({ n: 10 });
  });
});
