import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { createHttpRequest, json } from '../events/http.js';
import { createMessageEvent } from '../events/message.js';
import { createScheduleEvent } from '../events/schedule.js';
import { createStorageEvent } from '../events/storage.js';
import { defineApp, defineFunction } from '../function.js';
import type { LogRecord } from '../logger.js';
import { createLogger } from '../logger.js';
import { createBucket } from '../storage/portable.js';
import { AppRuntime } from './app-runtime.js';
import { EventDelivery } from './delivery.js';
import { isRetried } from './event-failure.js';
import { errorResponse } from './errors.js';
import { WARMUP_EVENT } from './warmup.js';

type Seen = { fn: string; key?: string; attempt: number; deliveryCount?: number; cron?: string; remaining: number };

function testApp(seen: Seen[], logs: LogRecord[] = []) {
  const push = (fn: string) => (event: { key?: string; deliveryCount?: number; cron?: string }, ctx: { attempt: number; remainingMs(): number }) => {
    seen.push({ fn, attempt: ctx.attempt, remaining: ctx.remainingMs(), ...(event.key !== undefined ? { key: event.key } : {}), ...(event.deliveryCount !== undefined ? { deliveryCount: event.deliveryCount } : {}), ...(event.cron !== undefined ? { cron: event.cron } : {}) });
    if (event.key === 'fail') throw new PolyfaasError('Unavailable', 'down');
  };
  const app = defineApp({
    name: 'events',
    buckets: { data: createBucket(memoryDriver()) },
    functions: [
      defineFunction({ name: 'pngs', timeoutMs: 5_000, trigger: { type: 'storage', bucket: 'data', prefix: 'raw/' }, handler: push('pngs') }),
      defineFunction({ name: 'any-object', trigger: { type: 'storage', bucket: 'data' }, handler: push('any-object') }),
      defineFunction({ name: 'worker', trigger: { type: 'queue', queue: 'jobs' }, handler: push('worker') }),
      defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: push('nightly') }),
      defineFunction({ name: 'hourly', trigger: { type: 'schedule', cron: '0 * * * *' }, handler: push('hourly') }),
      defineFunction({ name: 'misconfigured', trigger: { type: 'http', method: 'GET', path: '/m' }, handler: (_r, ctx) => json(ctx.bucket('unknown')) }),
    ],
  });
  return AppRuntime.create(app, { provider: 'test', log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }) });
}

/** The smallest driver createBucket accepts; these tests never store anything. */
function memoryDriver(): Parameters<typeof createBucket>[0] {
  const fail = () => Promise.reject(new PolyfaasError('Unimplemented', 'not in this test'));
  return { url: 'test://data', get: fail, head: fail, put: fail, delete: fail, list: fail } as unknown as Parameters<typeof createBucket>[0];
}

describe('AppRuntime.handleEvent: one entry point for non-HTTP events', () => {
  it('selects storage targets by filter and skips events nobody wants', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    const out = await rt.handleEvent(createStorageEvent({ kind: 'created', bucket: 'data', key: 'raw/a.png' }));
    expect(out).toMatchObject({ status: 'handled', results: [{ function: 'pngs' }, { function: 'any-object' }] });
    expect(seen.map((s) => s.fn).sort()).toEqual(['any-object', 'pngs']);
    expect(await rt.handleEvent(createStorageEvent({ kind: 'deleted', bucket: 'data', key: 'raw/a.png' }))).toMatchObject({ status: 'skipped' });
    // Scoped to one function (a single-function deployment): the others never see it.
    seen.length = 0;
    await rt.handleEvent(createStorageEvent({ kind: 'created', bucket: 'data', key: 'raw/b.png' }), { function: 'pngs' });
    expect(seen.map((s) => s.fn)).toEqual(['pngs']);
  });

  for (const key of ['../../etc/passwd', 'a\u0000b', '/abs', '', 'x'.repeat(1025), 'a//b', 'a\\b']) {
    it(`rejects a provider key before any handler, not retried: ${JSON.stringify(key).slice(0, 30)}`, async () => {
      const seen: Seen[] = [];
      const rt = await testApp(seen);
      // The constructor refuses an empty key itself; a hand-built event (as a translator could make) must not pass either.
      const event = { ...createStorageEvent({ kind: 'created', bucket: 'data', key: 'placeholder' }), key };
      const err = await rt.handleEvent(event).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolyfaasError);
      expect(err).toMatchObject({ code: 'InvalidArgument' });
      expect(isRetried(err)).toBe(false);
      expect(seen).toEqual([]);
    });
  }

  it('routes messages by queue name, fails unknown queues for good, and makes deliveryCount the attempt', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    await rt.handleEvent(createMessageEvent({ queue: 'jobs', body: 'x', deliveryCount: 1 }), { attempt: 4 });
    expect(seen).toMatchObject([{ fn: 'worker', attempt: 4, deliveryCount: 4 }]);
    const err = await rt.handleEvent(createMessageEvent({ queue: 'nobody', body: 'x' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NotFound' });
    expect(isRetried(err)).toBe(false);
  });

  it('counts attempts per function and event id when the platform gives none; the delivery key separates unrelated deliveries', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    const failing = createStorageEvent({ kind: 'created', bucket: 'data', key: 'fail', id: 'e1' });
    for (let i = 0; i < 3; i++) await rt.handleEvent(failing, { function: 'any-object', deliveryKey: 'req-1' }).catch(() => undefined);
    await rt.handleEvent(failing, { function: 'any-object', deliveryKey: 'req-2' }).catch(() => undefined);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 1]);
  });

  it('picks a schedule target by function scope or rule name, and hands it its own cron', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    await rt.handleEvent(createScheduleEvent({ cron: '' }), { rules: ['events-nightly'] });
    await rt.handleEvent(createScheduleEvent({ cron: '' }), { function: 'hourly' });
    expect(seen.map((s) => `${s.fn}:${s.cron}`)).toEqual(['nightly:0 3 * * *', 'hourly:0 * * * *']);
    await expect(rt.handleEvent(createScheduleEvent({ cron: '' }), { rules: ['other'] })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(rt.handleEvent(createScheduleEvent({ cron: '' }), { function: 'worker' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('answers warm-up pings (the marker, or a message carrying it) with init only', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    expect(await rt.handleEvent(WARMUP_EVENT, { function: 'worker' })).toMatchObject({ status: 'warmed', results: [{ function: 'worker', warm: true }] });
    expect(await rt.handleEvent(createMessageEvent({ queue: 'jobs', body: '{"polyfaas":"warmup"}' }))).toMatchObject({ status: 'warmed' });
    expect(seen).toEqual([]);
  });

  it('caps the deadline at the function timeout, the platform maximum and the platform deadline', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    const event = (key: string) => createStorageEvent({ kind: 'created', bucket: 'data', key });
    await rt.handleEvent(event('raw/1'), { function: 'pngs' });
    await rt.handleEvent(event('raw/2'), { function: 'pngs', maxTimeoutMs: 1_000 });
    await rt.handleEvent(event('raw/3'), { function: 'pngs', deadline: Date.now() + 500 });
    await rt.handleEvent(event('raw/4'), { function: 'pngs', received: Date.now() - 4_000 });
    const [own, platformMax, platformDeadline, late] = seen.map((s) => s.remaining);
    expect(own).toBeGreaterThan(4_500);
    expect(own).toBeLessThanOrEqual(5_000);
    expect(platformMax).toBeLessThanOrEqual(1_000);
    expect(platformDeadline).toBeLessThanOrEqual(500);
    expect(late).toBeLessThanOrEqual(1_000);
  });

  it('checks that a direct invocation carries the event its function expects, and says which', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    const err = await rt.handleEvent({ polyfaas: 'invoke', function: 'pngs', event: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'InvalidArgument' });
    expect((err as Error).message).toMatch(/pngs is storage-triggered: invoke it with a StorageEvent \(createStorageEvent/);
    await expect(rt.handleEvent({ polyfaas: 'invoke', function: 'worker', event: createScheduleEvent({ cron: '* * * * *' }) })).rejects.toThrow(/worker is queue-triggered: invoke it with a MessageEvent/);
    await expect(rt.handleEvent({ polyfaas: 'invoke', function: 'missing', event: {} })).rejects.toMatchObject({ code: 'NotFound' });
    const ok = await rt.handleEvent({ polyfaas: 'invoke', function: 'worker', event: createMessageEvent({ queue: 'jobs', body: '1' }) });
    expect(ok).toMatchObject({ status: 'handled', results: [{ function: 'worker' }] });
  });
});

describe('misconfiguration is not a client error', () => {
  it('answers ctx.bucket("unknown") with 500 Internal and logs which buckets exist', async () => {
    const logs: LogRecord[] = [];
    const rt = await testApp([], logs);
    const res = await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/m' }));
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body as string)).toMatchObject({ error: { code: 'Internal', message: 'Internal error' } });
    expect(logs.find((r) => r.msg === 'misconfiguration: unknown bucket')).toMatchObject({ level: 'error', bucket: 'unknown', declared: 'data' });
    expect(errorResponse(new PolyfaasError('Internal', 'x'), undefined, createLogger({ level: 'silent' })).status).toBe(500);
  });
});

describe('EventDelivery goes through handleEvent', () => {
  it('dead-letters a not-retried failure at once, and retries the others', async () => {
    const seen: Seen[] = [];
    const rt = await testApp(seen);
    const delivery = new EventDelivery(createLogger({ level: 'silent' }), { retries: 2, retryDelayMs: 1 }, () => rt);
    delivery.publish(createStorageEvent({ kind: 'created', bucket: 'data', key: '../escape' }), { function: 'any-object' });
    delivery.publish(createStorageEvent({ kind: 'created', bucket: 'data', key: 'fail' }));
    await delivery.idle();
    expect(delivery.deadLetters.map((l) => ({ fn: l.function, attempts: l.attempts, code: l.error.code }))).toEqual([
      { fn: 'any-object', attempts: 1, code: 'InvalidArgument' },
      { fn: 'any-object', attempts: 3, code: 'Unavailable' },
    ]);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });
});
