import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequestInit } from '../events/http.js';
import { json } from '../events/http.js';
import type { StorageEvent } from '../events/storage.js';
import { PolyfaasError } from '../errors.js';
import type { AppDefinition } from '../function.js';
import { defineApp, defineFunction } from '../function.js';
import type { DeadLetter } from '../runtime/delivery.js';
import type { HttpResult } from '../runtime/http-result.js';
import { WARMUP_HEADER, WARMUP_TOKEN_ENV } from '../runtime/warmup.js';
import type { Bucket } from '../storage/types.js';
import { authConformanceCases } from './auth-conformance.js';

/** An app started by a harness, seen from outside as a client would. */
export interface RunningApp {
  /** Send an HTTP request through the adapter's real transport where it has one. */
  http(request: HttpRequestInit): Promise<HttpResult>;
  /** A logical bucket; writes through it must fire the app's storage triggers. */
  bucket(name: string): Bucket;
  /**
   * Publish to a queue through the platform's own delivery (SQS records, a
   * Pub/Sub push, a storage-queue trigger…), with its retries and dead letters.
   * A list is one batch where the platform batches (SQS), else one message each.
   * Resolves once published; {@link idle} waits for the deliveries.
   */
  send(queue: string, body: string | readonly string[]): Promise<void>;
  /** Fire a schedule-triggered function the way its platform's scheduler does (EventBridge, Cloud Scheduler, timer). */
  tick(functionName: string): Promise<void>;
  /** Resolve once all triggered work has settled. */
  idle(): Promise<void>;
  /** Events that exhausted their retries. */
  deadLetters(): readonly DeadLetter[];
  close(): Promise<void>;
}

/** How a runtime conformance suite starts apps on one adapter. */
export interface RuntimeHarness {
  /**
   * Start `app` with fresh, empty buckets (bucket bindings in the app are
   * placeholders the harness replaces).
   */
  start(app: AppDefinition, options: { deliverTwice?: boolean; retries?: number }): Promise<RunningApp>;
}

/**
 * The runtime contract as a vitest suite: HTTP routing, storage triggers with
 * filters, duplicate delivery, retries and dead letters, queue messages and
 * schedules (delivery, retries, partial batch failure, attempt numbers), error
 * bodies that leak nothing, `init` once per instance, warm-up pings and deadlines.
 *
 * @example
 * ```ts
 * runRuntimeConformance('memory', {
 *   start: async (app, opts) => {
 *     const rt = await createMemoryRuntime(app, opts);
 *     return { ...rt, send: async (q, b) => rt.send(q, String(b)), tick: async (n) => rt.tick(n), deadLetters: () => rt.deadLetters, close: async () => {} };
 *   },
 * });
 * ```
 */
export function runRuntimeConformance(name: string, harness: RuntimeHarness, options: { timeoutMs?: number } = {}): void {
  describe(`Runtime conformance: ${name}`, { timeout: options.timeoutMs ?? 30_000 }, () => {
    const running: RunningApp[] = [];
    const start = async (app: AppDefinition, opts: { deliverTwice?: boolean; retries?: number } = {}) => {
      const started = await harness.start(app, opts);
      running.push(started);
      return started;
    };
    afterEach(async () => {
      await Promise.all(running.splice(0).map((r) => r.close()));
    });

    authConformanceCases((app) => start(app));

    it('routes HTTP by method and path, with params, query and JSON bodies', async () => {
      const app = defineApp({
        name: 'routing',
        functions: [
          defineFunction({
            name: 'get-item',
            trigger: { type: 'http', method: 'GET', path: '/items/:id' },
            handler: (req) => json({ id: req.params.id, q: req.query.q ?? null, fn: 'get-item' }),
          }),
          defineFunction({
            name: 'latest',
            trigger: { type: 'http', method: 'GET', path: '/items/latest' },
            handler: () => json({ fn: 'latest' }),
          }),
          defineFunction({
            name: 'echo',
            trigger: { type: 'http', method: 'POST', path: '/echo' },
            handler: (req) => json({ got: req.json(), type: req.headers['content-type'] ?? null }, 201, { 'x-echo': '1' }),
          }),
          defineFunction({
            name: 'bytes',
            trigger: { type: 'http', method: 'POST', path: '/bytes' },
            handler: (req) => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: req.body.slice().reverse() }),
          }),
        ],
      });
      const rt = await start(app);
      const item = await rt.http({ method: 'GET', path: '/items/a%20b', query: { q: 'x' } });
      expect(item.status).toBe(200);
      expect(item.json()).toEqual({ id: 'a b', q: 'x', fn: 'get-item' });
      expect((await rt.http({ method: 'GET', path: '/items/latest' })).json()).toEqual({ fn: 'latest' });
      const echo = await rt.http({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
      expect(echo.status).toBe(201);
      expect(echo.headers['x-echo']).toBe('1');
      expect(echo.headers['content-type']).toMatch(/^application\/json/);
      expect(echo.json()).toEqual({ got: { a: [1, 2] }, type: 'application/json' });
      const bytes = await rt.http({ method: 'POST', path: '/bytes', body: new Uint8Array([0, 1, 255]) });
      expect(Array.from(bytes.body)).toEqual([255, 1, 0]);
      const missing = await rt.http({ method: 'GET', path: '/nope' });
      expect(missing.status).toBe(404);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('NotFound');
      expect((await rt.http({ method: 'DELETE', path: '/echo' })).status).toBe(405);
    });

    it('answers errors with a neutral JSON body and never leaks a stack trace', async () => {
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'boom',
            trigger: { type: 'http', method: 'GET', path: '/boom' },
            handler: () => {
              throw new Error('secret database password in /srv/app/db.ts');
            },
          }),
          defineFunction({
            name: 'coded',
            trigger: { type: 'http', method: 'GET', path: '/coded' },
            handler: () => {
              throw new PolyfaasError('InvalidArgument', 'width must be positive', { details: { field: 'width' } });
            },
          }),
          defineFunction({
            name: 'bad-json',
            trigger: { type: 'http', method: 'POST', path: '/json' },
            handler: (req) => json(req.json()),
          }),
        ],
      });
      const rt = await start(app);
      const boom = await rt.http({ method: 'GET', path: '/boom' });
      expect(boom.status).toBe(500);
      expect(boom.headers['content-type']).toMatch(/^application\/json/);
      const body = boom.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe('Internal');
      expect(boom.text()).not.toMatch(/secret|\/srv\/app|at .*\(|\.ts:\d+/);
      const coded = await rt.http({ method: 'GET', path: '/coded' });
      expect(coded.status).toBe(400);
      expect(coded.json()).toMatchObject({ error: { code: 'InvalidArgument', message: 'width must be positive', details: { field: 'width' } } });
      const bad = await rt.http({ method: 'POST', path: '/json', body: '{not json' });
      expect(bad.status).toBe(400);
    });

    it('rejects bodies over the function limit with 413', async () => {
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'small',
            maxBodyBytes: 1024,
            trigger: { type: 'http', method: 'POST', path: '/small' },
            handler: (req) => json({ size: req.body.byteLength }),
          }),
        ],
      });
      const rt = await start(app);
      expect((await rt.http({ method: 'POST', path: '/small', body: new Uint8Array(1024) })).json()).toEqual({ size: 1024 });
      const tooBig = await rt.http({ method: 'POST', path: '/small', body: new Uint8Array(64 * 1024) });
      expect(tooBig.status).toBe(413);
      expect(tooBig.json<{ error: { code: string } }>().error.code).toBe('PayloadTooLarge');
    });

    it('encodes responses identically: several cookies, binary bodies, HEAD, 204 and 304 without a body, unsafe headers refused', async () => {
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'cookies',
            trigger: { type: 'http', method: 'GET', path: '/cookies' },
            handler: () => ({
              status: 200,
              headers: { 'Set-Cookie': ['a=1; Path=/; HttpOnly', 'b=2; Path=/'], 'x-multi': ['x', 'y'], 'cache-control': 'no-store' },
              body: 'two cookies',
            }),
          }),
          defineFunction({
            name: 'binary',
            trigger: { type: 'http', method: 'GET', path: '/binary' },
            handler: () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: binary }),
          }),
          defineFunction({
            name: 'no-content',
            trigger: { type: 'http', method: 'DELETE', path: '/thing' },
            handler: () => ({ status: 204, headers: { 'content-type': 'text/plain', 'x-kept': '1' }, body: 'dropped' }),
          }),
          defineFunction({
            name: 'not-modified',
            trigger: { type: 'http', method: 'GET', path: '/cached' },
            handler: () => ({ status: 304, headers: { etag: '"v1"' }, body: { dropped: true } }),
          }),
          defineFunction({
            name: 'split',
            trigger: { type: 'http', method: 'GET', path: '/split' },
            handler: () => ({ status: 200, headers: { 'x-bad': 'a\r\nset-cookie: evil=1' }, body: 'never sent' }),
          }),
        ],
      });
      const rt = await start(app);
      const lengthIs = (headers: Readonly<Record<string, string>>, bytes: number) => {
        // Transports add content-length, in-process results may not; when present it is the GET body's.
        if (headers['content-length'] !== undefined) expect(Number(headers['content-length'])).toBe(bytes);
      };

      const get = await rt.http({ method: 'GET', path: '/cookies' });
      expect(get.status).toBe(200);
      // Hosts may write cookie attributes in another case; names, values and attributes must all arrive, in order.
      expect(get.cookies.map((c) => c.toLowerCase())).toEqual(['a=1; path=/; httponly', 'b=2; path=/']);
      expect(get.headers['x-multi']).toBe('x, y');
      expect(get.headers['cache-control']).toBe('no-store');
      expect(get.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(get.text()).toBe('two cookies');
      lengthIs(get.headers, 11);

      const head = await rt.http({ method: 'HEAD', path: '/cookies' });
      expect(head.status).toBe(200);
      expect(head.body.byteLength).toBe(0);
      expect(head.cookies.map((c) => c.toLowerCase())).toEqual(['a=1; path=/; httponly', 'b=2; path=/']);
      expect(head.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(head.headers['x-multi']).toBe('x, y');
      lengthIs(head.headers, 11);

      const bytes = await rt.http({ method: 'GET', path: '/binary' });
      expect(bytes.status).toBe(200);
      expect(bytes.headers['content-type']).toBe('application/octet-stream');
      expect(Array.from(bytes.body)).toEqual(Array.from(binary));
      lengthIs(bytes.headers, 256);

      for (const [method, path, status, kept] of [['DELETE', '/thing', 204, ['x-kept', '1']], ['GET', '/cached', 304, ['etag', '"v1"']]] as const) {
        const res = await rt.http({ method, path });
        expect(res.status, path).toBe(status);
        expect(res.body.byteLength, path).toBe(0);
        expect(res.headers['content-type'], path).toBeUndefined();
        expect(res.headers['content-length'] ?? '0', path).toBe('0');
        expect(res.headers[kept[0]], path).toBe(kept[1]);
      }

      const split = await rt.http({ method: 'GET', path: '/split' });
      expect(split.status).toBe(500);
      expect(split.json<{ error: { code: string } }>().error.code).toBe('Internal');
      expect(split.cookies).toEqual([]);
      expect(split.text()).not.toContain('never sent');
    });

    it('fires storage triggers honouring bucket, prefix, suffix and event kind', async () => {
      const seen: string[] = [];
      const record = (tag: string) => (event: StorageEvent) => {
        seen.push(`${tag}:${event.kind}:${event.key}`);
        expect(event.bucket).toBe('data');
        expect(event.id).toBeTruthy();
        expect(event.time).toBeInstanceOf(Date);
      };
      const app = defineApp({
        buckets: { data: 'mem://conformance-data', other: 'mem://conformance-other' },
        functions: [
          defineFunction({ name: 'pngs', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/', suffix: '.png' }, handler: record('pngs') }),
          defineFunction({ name: 'gone', trigger: { type: 'storage', bucket: 'data', events: ['deleted'] }, handler: record('gone') }),
        ],
      });
      const rt = await start(app);
      const data = rt.bucket('data');
      await data.put('raw/a.png', 'png');
      await data.put('raw/b.jpg', 'jpg');
      await data.put('other/c.png', 'png');
      await rt.bucket('other').put('raw/d.png', 'png');
      await rt.idle();
      expect(seen).toEqual(['pngs:created:raw/a.png']);
      await data.delete('raw/b.jpg');
      await rt.idle();
      expect(seen).toEqual(['pngs:created:raw/a.png', 'gone:deleted:raw/b.jpg']);
      expect(rt.deadLetters()).toEqual([]);
    });

    it('chains functions: a handler writing to a bucket triggers the next one', async () => {
      const app = defineApp({
        buckets: { data: 'mem://chain' },
        functions: [
          defineFunction({
            name: 'step-one',
            trigger: { type: 'storage', bucket: 'data', prefix: 'in/' },
            handler: async (event, ctx) => {
              const obj = await ctx.bucket('data').get(event.key);
              await ctx.bucket('data').put(event.key.replace('in/', 'mid/'), new TextDecoder().decode(obj.body).toUpperCase());
            },
          }),
          defineFunction({
            name: 'step-two',
            trigger: { type: 'storage', bucket: 'data', prefix: 'mid/' },
            handler: async (event, ctx) => {
              const obj = await ctx.bucket('data').get(event.key);
              await ctx.bucket('data').put(event.key.replace('mid/', 'out/'), `${new TextDecoder().decode(obj.body)}!`);
            },
          }),
        ],
      });
      const rt = await start(app);
      await rt.bucket('data').put('in/x.txt', 'hello');
      await rt.idle();
      expect(new TextDecoder().decode((await rt.bucket('data').get('out/x.txt')).body)).toBe('HELLO!');
    });

    it('delivers every event twice when asked, with the same event id', async () => {
      const ids: string[] = [];
      const app = defineApp({
        buckets: { data: 'mem://twice' },
        functions: [defineFunction({ name: 'count', trigger: { type: 'storage', bucket: 'data' }, handler: (e) => void ids.push(e.id) })],
      });
      const rt = await start(app, { deliverTwice: true });
      await rt.bucket('data').put('k', 'v');
      await rt.idle();
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(ids[1]);
    });

    it('retries failing events and dead-letters them after the last attempt', async () => {
      const attempts: number[] = [];
      let flakyCalls = 0;
      const app = defineApp({
        buckets: { data: 'mem://retries' },
        functions: [
          defineFunction({
            name: 'always-fails',
            trigger: { type: 'storage', bucket: 'data', prefix: 'bad/' },
            handler: (_e, ctx) => {
              attempts.push(ctx.attempt);
              throw new PolyfaasError('Unavailable', 'downstream is down');
            },
          }),
          defineFunction({
            name: 'flaky',
            trigger: { type: 'storage', bucket: 'data', prefix: 'flaky/' },
            handler: () => {
              flakyCalls++;
              if (flakyCalls === 1) throw new Error('transient');
            },
          }),
        ],
      });
      const rt = await start(app, { retries: 2 });
      await rt.bucket('data').put('bad/1', 'x');
      await rt.bucket('data').put('flaky/1', 'x');
      await rt.idle();
      expect(attempts).toEqual([1, 2, 3]);
      expect(flakyCalls).toBe(2);
      const letters = rt.deadLetters();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ function: 'always-fails', attempts: 3, error: { code: 'Unavailable' } });
    });

    it('delivers queue messages to the functions on that queue, with attempt 1 and deliveryCount 1', async () => {
      const got: { fn: string; queue: string; body: unknown; attempt: number; deliveryCount: number; id: boolean }[] = [];
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'worker',
            trigger: { type: 'queue', queue: 'jobs' },
            handler: (m, ctx) => void got.push({ fn: 'worker', queue: m.queue, body: m.json(), attempt: ctx.attempt, deliveryCount: m.deliveryCount, id: m.id.length > 0 }),
          }),
          defineFunction({ name: 'elsewhere', trigger: { type: 'queue', queue: 'other' }, handler: () => void got.push({ fn: 'elsewhere' } as never) }),
        ],
      });
      const rt = await start(app);
      await rt.send('jobs', JSON.stringify({ epochs: 3 }));
      await rt.idle();
      expect(got).toEqual([{ fn: 'worker', queue: 'jobs', body: { epochs: 3 }, attempt: 1, deliveryCount: 1, id: true }]);
      expect(rt.deadLetters()).toEqual([]);
    });

    it('retries a failing message with rising attempt numbers, then dead-letters it', async () => {
      const attempts: { attempt: number; deliveryCount: number }[] = [];
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'flaky-worker',
            trigger: { type: 'queue', queue: 'jobs' },
            handler: (m, ctx) => {
              attempts.push({ attempt: ctx.attempt, deliveryCount: m.deliveryCount });
              throw new PolyfaasError('Unavailable', 'downstream is down');
            },
          }),
        ],
      });
      const rt = await start(app, { retries: 2 });
      await rt.send('jobs', 'x');
      await rt.idle();
      expect(attempts).toEqual([1, 2, 3].map((n) => ({ attempt: n, deliveryCount: n })));
      expect(rt.deadLetters()).toHaveLength(1);
      expect(rt.deadLetters()[0]).toMatchObject({ function: 'flaky-worker', attempts: 3, error: { code: 'Unavailable' } });
    });

    it('fails only the bad message of a batch: the others are handled once', async () => {
      const calls: string[] = [];
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'batch-worker',
            trigger: { type: 'queue', queue: 'batch' },
            handler: (m) => {
              calls.push(m.text());
              if (m.text() === 'bad') throw new PolyfaasError('InvalidArgument', 'cannot process this one');
            },
          }),
        ],
      });
      const rt = await start(app, { retries: 1 });
      await rt.send('batch', ['a', 'bad', 'c']);
      await rt.idle();
      expect(calls.filter((c) => c === 'a')).toHaveLength(1);
      expect(calls.filter((c) => c === 'c')).toHaveLength(1);
      expect(calls.filter((c) => c === 'bad')).toHaveLength(2);
      expect(rt.deadLetters()).toHaveLength(1);
      expect(rt.deadLetters()[0]).toMatchObject({ function: 'batch-worker', attempts: 2, error: { code: 'InvalidArgument' } });
    });

    it('fires schedules with their cron, retries failing ticks with rising attempts, then dead-letters them', async () => {
      const seen: { fn: string; cron: string; attempt: number; scheduled: boolean }[] = [];
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'nightly',
            trigger: { type: 'schedule', cron: '0 3 * * *' },
            handler: (e, ctx) => void seen.push({ fn: 'nightly', cron: e.cron, attempt: ctx.attempt, scheduled: e.scheduledTime instanceof Date && !Number.isNaN(e.scheduledTime.getTime()) }),
          }),
          defineFunction({
            name: 'broken-report',
            trigger: { type: 'schedule', cron: '*/5 * * * *' },
            handler: (e, ctx) => {
              seen.push({ fn: 'broken-report', cron: e.cron, attempt: ctx.attempt, scheduled: true });
              throw new PolyfaasError('Unavailable', 'report store is down');
            },
          }),
        ],
      });
      const rt = await start(app, { retries: 1 });
      await rt.tick('nightly');
      await rt.tick('broken-report');
      await rt.idle();
      expect(seen.filter((s) => s.fn === 'nightly')).toEqual([{ fn: 'nightly', cron: '0 3 * * *', attempt: 1, scheduled: true }]);
      expect(seen.filter((s) => s.fn === 'broken-report').map((s) => `${s.cron}#${s.attempt}`)).toEqual(['*/5 * * * *#1', '*/5 * * * *#2']);
      expect(rt.deadLetters()).toHaveLength(1);
      expect(rt.deadLetters()[0]).toMatchObject({ function: 'broken-report', attempts: 2, error: { code: 'Unavailable' } });
    });

    it('runs init once per instance, reports cold then warm, and answers warm-up pings carrying the token without the handler', async () => {
      const token = `conformance-${Math.random().toString(36).slice(2)}`;
      const previous = process.env[WARMUP_TOKEN_ENV];
      process.env[WARMUP_TOKEN_ENV] = token;
      try {
        let inits = 0;
        let handled = 0;
        const app = defineApp({
          functions: [
            defineFunction({
              name: 'model',
              trigger: { type: 'http', method: 'GET', path: '/model' },
              init: async (ctx) => {
                inits++;
                await new Promise((r) => setTimeout(r, 20));
                return { loadedAt: inits, concurrency: String(ctx.concurrency) };
              },
              handler: (_req, ctx) => {
                handled++;
                return json({ cold: ctx.coldStart, state: ctx.state, provider: ctx.provider, requestId: ctx.requestId, concurrency: String(ctx.concurrency) });
              },
            }),
          ],
        });
        const rt = await start(app);
        const ping = await rt.http({ method: 'GET', path: '/model', headers: { [WARMUP_HEADER]: token } });
        expect(ping.status).toBe(200);
        expect(ping.json()).toMatchObject({ warm: true, function: 'model' });
        expect(handled).toBe(0);
        // Anyone may send the header; without the token it is an ordinary request that runs the handler.
        const forged = await rt.http({ method: 'GET', path: '/model', headers: { [WARMUP_HEADER]: `${token}x` } });
        expect(forged.json()).not.toMatchObject({ warm: true });
        expect(handled).toBe(1);
        handled = 0;
        const results = await Promise.all([1, 2, 3].map(() => rt.http({ method: 'GET', path: '/model' })));
        const bodies = results.map((r) => r.json<{ cold: boolean; state: { concurrency: string }; requestId: string; provider: string; concurrency: string }>());
        expect(inits).toBe(1);
        expect(handled).toBe(3);
        // The forged ping was the first handled request, so it was the cold one.
        expect(bodies.filter((b) => b.cold)).toHaveLength(0);
        expect(forged.json()).toMatchObject({ cold: true });
        expect(bodies.every((b) => JSON.stringify(b.state) === JSON.stringify({ loadedAt: 1, concurrency: b.concurrency }))).toBe(true);
        // A platform fact: 1 (one event at a time) or more, the same in init and in handlers.
        for (const b of bodies) expect(b.concurrency === 'Infinity' || Number(b.concurrency) >= 1).toBe(true);
        expect(new Set(bodies.map((b) => b.requestId)).size).toBe(3);
        expect(bodies[0]?.provider).toBeTruthy();
      } finally {
        if (previous === undefined) delete process.env[WARMUP_TOKEN_ENV];
        else process.env[WARMUP_TOKEN_ENV] = previous;
      }
    });

    it('lets handlers destructure their context: every member works without the context as `this`', async () => {
      const app = defineApp({
        buckets: { data: 'mem://destructure' },
        functions: [
          defineFunction({
            name: 'destructure',
            trigger: { type: 'http', method: 'POST', path: '/destructure' },
            handler: async (_req, { bucket, log, remainingMs, signal, requestId, concurrency }) => {
              const { info } = log;
              info('destructured', { requestId });
              await bucket('data').put('seen/by-handler', requestId);
              return json({ remaining: remainingMs() > 0, aborted: signal.aborted, concurrency: String(concurrency) });
            },
          }),
        ],
      });
      const rt = await start(app);
      const res = await rt.http({ method: 'POST', path: '/destructure' });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ remaining: true, aborted: false });
      expect(await rt.bucket('data').exists('seen/by-handler')).toBe(true);
    });

    it('retries a failed init on the next request instead of poisoning the instance', async () => {
      let inits = 0;
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'fragile',
            trigger: { type: 'http', method: 'GET', path: '/fragile' },
            init: () => {
              inits++;
              if (inits === 1) throw new PolyfaasError('Unavailable', 'model store not reachable yet');
              return 'ready';
            },
            handler: (_r, ctx) => json({ state: ctx.state }),
          }),
        ],
      });
      const rt = await start(app);
      expect((await rt.http({ method: 'GET', path: '/fragile' })).status).toBe(503);
      const ok = await rt.http({ method: 'GET', path: '/fragile' });
      expect(ok.status).toBe(200);
      expect(ok.json()).toEqual({ state: 'ready' });
    });

    it('enforces deadlines: the signal aborts and the caller gets 504', async () => {
      let aborted = false;
      const app = defineApp({
        functions: [
          defineFunction({
            name: 'slow',
            timeoutMs: 100,
            trigger: { type: 'http', method: 'GET', path: '/slow' },
            handler: async (_req, ctx) => {
              expect(ctx.remainingMs()).toBeLessThanOrEqual(100);
              expect(ctx.deadline).toBeGreaterThan(Date.now());
              await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
              aborted = true;
              return json({ late: true });
            },
          }),
        ],
      });
      const rt = await start(app);
      const res = await rt.http({ method: 'GET', path: '/slow' });
      expect(res.status).toBe(504);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('DeadlineExceeded');
      expect(aborted).toBe(true);
    });
  });
}
