import { describe, expect, it } from 'vitest';
import { defineApp, defineFunction, json, openBucket, PolyfaasError } from '../../src/index.js';
import { createMemoryRuntime, MemoryBucket, registerSchemes } from './index.js';

describe('createMemoryRuntime', () => {
  it('delivers queue messages and schedule ticks', async () => {
    const seen: string[] = [];
    const app = defineApp({
      functions: [
        defineFunction({ name: 'worker', trigger: { type: 'queue', queue: 'jobs' }, handler: (m) => void seen.push(`${m.queue}:${m.text()}:${m.attributes.kind}:${m.deliveryCount}`) }),
        defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: (e) => void seen.push(`cron:${e.cron}`) }),
      ],
    });
    const rt = await createMemoryRuntime(app);
    rt.send('jobs', 'train', { kind: 'fashion' });
    rt.tick('nightly');
    await rt.idle();
    expect(seen.sort()).toEqual(['cron:0 3 * * *', 'jobs:train:fashion:1']);
    expect(() => rt.send('nobody', 'x')).toThrow(PolyfaasError);
  });

  it('invokes a function directly and surfaces its error', async () => {
    const app = defineApp({
      functions: [
        defineFunction({ name: 'double', trigger: { type: 'queue', queue: 'q' }, handler: (m) => Number(m.text()) * 2 }),
        defineFunction({ name: 'fails', trigger: { type: 'queue', queue: 'q2' }, handler: () => Promise.reject(new PolyfaasError('Unavailable', 'nope')) }),
      ],
    });
    const rt = await createMemoryRuntime(app);
    const { createMessageEvent } = await import('../../src/index.js');
    await expect(rt.invoke('double', createMessageEvent({ queue: 'q', body: '21' }))).resolves.toBe(42);
    await expect(rt.invoke('fails', createMessageEvent({ queue: 'q2', body: '' }))).rejects.toMatchObject({ code: 'Unavailable' });
    await expect(rt.invoke('missing', {})).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('says which event a function expects when invoked with something else', async () => {
    const app = defineApp({
      buckets: { data: 'mem://expects' },
      functions: [defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data' }, handler: () => 'ran' })],
    });
    const rt = await createMemoryRuntime(app);
    const err = await rt.invoke('on-upload', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'InvalidArgument', details: { expected: expect.stringMatching(/StorageEvent/) } });
    expect((err as Error).message).toMatch(/on-upload is storage-triggered: invoke it with a StorageEvent/);
    const { createStorageEvent } = await import('../../src/index.js');
    await expect(rt.invoke('on-upload', createStorageEvent({ kind: 'created', bucket: 'data', key: '../x' }))).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(rt.invoke('on-upload', createStorageEvent({ kind: 'created', bucket: 'data', key: 'x' }))).resolves.toBe('ran');
  });

  it('answers ctx.bucket("unknown") with 500, not 400', async () => {
    const app = defineApp({ functions: [defineFunction({ name: 'm', trigger: { type: 'http', method: 'GET', path: '/m' }, handler: (_r, ctx) => json(ctx.bucket('unknown')) })] });
    const rt = await createMemoryRuntime(app);
    const res = await rt.http({ path: '/m' });
    expect(res.status).toBe(500);
    expect(rt.logs.some((r) => r.msg === 'misconfiguration: unknown bucket' && r.level === 'error')).toBe(true);
  });

  it('keeps logs in memory with request ids, and never prints', async () => {
    const app = defineApp({
      functions: [defineFunction({ name: 'hi', trigger: { type: 'http', method: 'GET', path: '/' }, handler: (_r, ctx) => (ctx.log.info('hello', { n: 1 }), json({})) })],
    });
    const rt = await createMemoryRuntime(app);
    await rt.http({ path: '/' });
    expect(rt.logs.find((r) => r.msg === 'hello')).toMatchObject({ level: 'info', fn: 'hi', n: 1, requestId: expect.any(String) });
  });

  it('replaces URL-bound buckets with memory buckets but keeps given instances', async () => {
    const shared = new MemoryBucket('shared');
    await shared.put('seed', 'x');
    const app = defineApp({ functions: [], buckets: { disk: 'file:///should/not/be/touched', shared } });
    const rt = await createMemoryRuntime(app);
    await expect(rt.bucket('disk').exists('anything')).resolves.toBe(false);
    await expect(rt.bucket('shared').exists('seed')).resolves.toBe(true);
    expect(() => rt.bucket('nope')).toThrow(/Unknown bucket/);
    expect(() => rt.bucket('nope')).toThrow(expect.objectContaining({ code: 'Internal' }));
  });

  it('opens mem:// URLs once registered, sharing buckets by name', async () => {
    await expect(openBucket('mem://before-register')).rejects.toMatchObject({ code: 'InvalidArgument' });
    registerSchemes();
    const a = await openBucket('mem://shared-name');
    await a.put('k', 'v');
    const b = await openBucket('mem://shared-name');
    await expect(b.exists('k')).resolves.toBe(true);
  });
});
