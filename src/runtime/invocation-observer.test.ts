import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { PolyfaasError } from '../errors.js';
import { createHttpRequest, json } from '../events/http.js';
import { createMessageEvent } from '../events/message.js';
import { createStorageEvent } from '../events/storage.js';
import { defineApp, defineFunction } from '../function.js';
import type { LogRecord } from '../logger.js';
import { createLogger } from '../logger.js';
import { AppRuntime } from './app-runtime.js';
import type { InvocationRecord } from './invocation-observer.js';
import { InvocationObserver } from './invocation-observer.js';

let initRuns = 0;
const app = defineApp({
  functions: [
    defineFunction({
      name: 'hello',
      trigger: { type: 'http', method: 'GET', path: '/hello/:who' },
      handler: (req, { log }) => {
        for (let i = 0; i < 30; i++) log.info(`line ${i} for ${req.params.who}`);
        return json({ hello: req.params.who });
      },
    }),
    defineFunction({ name: 'missing', trigger: { type: 'http', method: 'GET', path: '/missing' }, handler: () => json({ nope: true }, 404) }),
    defineFunction({
      name: 'coded',
      trigger: { type: 'http', method: 'GET', path: '/coded' },
      handler: () => {
        throw new PolyfaasError('Unavailable', 'model not ready');
      },
    }),
    defineFunction({
      name: 'crash',
      trigger: { type: 'http', method: 'GET', path: '/crash' },
      handler: () => {
        throw new Error('secret /etc/passwd detail');
      },
    }),
    defineFunction({
      name: 'thumb',
      trigger: { type: 'storage', bucket: 'data', prefix: 'raw/' },
      handler: (event, { log }) => log.warn(`saw ${event.key}`),
    }),
    defineFunction({
      name: 'jobs',
      trigger: { type: 'queue', queue: 'jobs' },
      memoryMb: 512,
      handler: (msg) => {
        // Burn CPU when asked, so the record's CPU time has something to measure.
        const start = process.cpuUsage();
        const burnUs = msg.attributes.burnMs === undefined ? 0 : Number(msg.attributes.burnMs) * 1000;
        for (;;) {
          const used = process.cpuUsage(start);
          if (used.user + used.system >= burnUs) break;
        }
      },
    }),
    defineFunction({
      name: 'flaky-init',
      trigger: { type: 'http', method: 'GET', path: '/flaky' },
      init: () => {
        initRuns++;
        throw new PolyfaasError('Unavailable', 'no model yet');
      },
      handler: () => json({}),
    }),
  ],
  buckets: { data: new MemoryBucket('observer-test') },
});

async function runtime(observer: InvocationObserver, sink?: (r: LogRecord) => void) {
  const log = createLogger({ level: 'debug', sink: sink ?? (() => {}) });
  return AppRuntime.create(app, { provider: 'memory', observer, log: observer.tapLogger(log) });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('InvocationObserver', () => {
  it('records each invocation with its function, trigger, status, attempt, cold start and first log lines', async () => {
    const observer = new InvocationObserver({ maxLogLines: 5 });
    const written: LogRecord[] = [];
    const rt = await runtime(observer, (r) => written.push(r));
    await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/ada' }), { requestId: 'r-1' });
    await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/bob' }), { requestId: 'r-2' });
    const [first, second] = observer.records();
    expect(first).toMatchObject({ seq: 1, function: 'hello', trigger: 'http', requestId: 'r-1', status: 'ok', httpStatus: 200, attempt: 1, coldStart: true, summary: 'GET /hello/ada' });
    expect(second).toMatchObject({ seq: 2, requestId: 'r-2', coldStart: false });
    expect(first?.logs.map((l) => l.msg)).toEqual(['line 0 for ada', 'line 1 for ada', 'line 2 for ada', 'line 3 for ada', 'line 4 for ada']);
    expect(first?.logsDropped).toBe(25);
    expect(first?.durationMs).toBeGreaterThanOrEqual(0);
    // The tap keeps lines; it does not swallow them.
    expect(written.filter((r) => r.requestId === 'r-1' && String(r.msg).startsWith('line '))).toHaveLength(30);
  });

  it('records the configured memory and the CPU time of each invocation, for cost estimates', async () => {
    const observer = new InvocationObserver();
    const rt = await runtime(observer);
    await rt.handleEvent({ polyfaas: 'invoke', function: 'jobs', event: createMessageEvent({ queue: 'jobs', body: '', attributes: { burnMs: '40' } }) });
    await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/missing' }));
    const [busy, plain] = observer.records();
    expect(busy?.memoryMb).toBe(512);
    expect(busy?.cpuMs).toBeGreaterThanOrEqual(40);
    expect(busy?.cpuMs).toBeLessThanOrEqual((busy?.durationMs ?? 0) + 20);
    expect(plain?.memoryMb).toBeUndefined();
  });

  it('marks HTTP error answers and thrown failures, keeping coded messages and hiding uncoded ones', async () => {
    const observer = new InvocationObserver();
    const rt = await runtime(observer);
    for (const path of ['/missing', '/coded', '/crash']) await rt.handleHttp(createHttpRequest({ method: 'GET', path }));
    const [missing, coded, crash] = observer.records();
    expect(missing).toMatchObject({ function: 'missing', status: 'error', httpStatus: 404 });
    expect(missing?.errorCode).toBeUndefined();
    expect(coded).toMatchObject({ status: 'error', httpStatus: 503, errorCode: 'Unavailable', errorMessage: 'model not ready' });
    expect(crash).toMatchObject({ status: 'error', httpStatus: 500, errorCode: 'Internal' });
    expect(JSON.stringify(crash)).not.toContain('passwd');
  });

  it('records events with a summary that names what changed, not what it carried', async () => {
    const observer = new InvocationObserver();
    const rt = await runtime(observer);
    await rt.handleEvent(createStorageEvent({ kind: 'created', bucket: 'data', key: 'raw/1.png', size: 12, etag: 'e', source: 's' }), { function: 'thumb', attempt: 2 });
    await rt.handleEvent(createMessageEvent({ queue: 'jobs', body: 'secret-token', attributes: {}, source: 's' }), {});
    const [storage, queue] = observer.records();
    expect(storage).toMatchObject({ function: 'thumb', trigger: 'storage', attempt: 2, status: 'ok', summary: 'created data/raw/1.png (12 B)' });
    expect(storage?.logs.map((l) => [l.level, l.msg])).toEqual([['warn', 'saw raw/1.png']]);
    expect(queue).toMatchObject({ function: 'jobs', trigger: 'queue', summary: 'message on jobs (12 B)' });
    expect(JSON.stringify(queue)).not.toContain('secret-token');
  });

  it('records a failed init as the failure of the invocation that needed it', async () => {
    const observer = new InvocationObserver();
    const rt = await runtime(observer);
    const before = initRuns;
    expect((await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/flaky' }), { requestId: 'r-init' })).status).toBe(503);
    expect(initRuns).toBe(before + 1);
    expect(observer.records()).toEqual([expect.objectContaining({ function: 'flaky-init', requestId: 'r-init', status: 'error', errorCode: 'Unavailable', coldStart: true })]);
  });

  it('keeps only the last `capacity` records, oldest first', async () => {
    const observer = new InvocationObserver({ capacity: 3 });
    const rt = await runtime(observer);
    for (let i = 0; i < 7; i++) await rt.handleHttp(createHttpRequest({ method: 'GET', path: `/hello/${i}` }));
    expect(observer.records().map((r) => r.summary)).toEqual(['GET /hello/4', 'GET /hello/5', 'GET /hello/6']);
    expect(observer.records().map((r) => r.seq)).toEqual([5, 6, 7]);
  });

  it('tells listeners on a later turn, in batches, and drops rather than piles up', async () => {
    const observer = new InvocationObserver({ capacity: 4 });
    const rt = await runtime(observer);
    const batches: InvocationRecord[][] = [];
    const stop = observer.subscribe((records) => batches.push([...records]));
    await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/one' }));
    // Not during the invocation: the listener runs after it, on its own turn.
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches.map((b) => b.map((r) => r.summary))).toEqual([['GET /hello/one']]);
    // Ten invocations within one turn: the batch holds at most `capacity`, the rest are counted as dropped.
    await Promise.all(Array.from({ length: 10 }, (_, i) => rt.handleHttp(createHttpRequest({ method: 'GET', path: `/hello/${i}` }))));
    await nextTurn();
    expect(batches[1]?.map((r) => r.summary)).toEqual(['GET /hello/6', 'GET /hello/7', 'GET /hello/8', 'GET /hello/9']);
    expect(observer.dropped).toBe(6);
    stop();
    await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/after' }));
    await nextTurn();
    expect(batches).toHaveLength(2);
  });

  it('keeps a failing listener from reaching the runtime or the other listeners', async () => {
    const observer = new InvocationObserver();
    const rt = await runtime(observer);
    const seen: string[] = [];
    observer.subscribe(() => {
      throw new Error('listener bug');
    });
    observer.subscribe((records) => seen.push(...records.map((r) => r.function)));
    expect((await rt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/x' }))).status).toBe(200);
    await nextTurn();
    expect(seen).toEqual(['hello']);
  });

  it('adopts a record made by another process’s observer as its own: next seq, ring and listeners', async () => {
    const worker = new InvocationObserver();
    const workerRt = await runtime(worker);
    await workerRt.handleHttp(createHttpRequest({ method: 'GET', path: '/coded' }));
    const [made] = worker.records() as [InvocationRecord];
    const parent = new InvocationObserver({ capacity: 2 });
    const parentRt = await runtime(parent);
    const heard: InvocationRecord[] = [];
    parent.subscribe((records) => heard.push(...records));
    await parentRt.handleHttp(createHttpRequest({ method: 'GET', path: '/hello/here' }));
    // As it crosses a process boundary: JSON, with the sender's seq.
    const adopted = parent.adopt(JSON.parse(JSON.stringify({ ...made, seq: 99 })) as InvocationRecord);
    expect(adopted).toEqual({ ...made, seq: 2 });
    expect(parent.records().map((r) => [r.seq, r.function, r.errorCode])).toEqual([
      [1, 'hello', undefined],
      [2, 'coded', 'Unavailable'],
    ]);
    await nextTurn();
    expect(heard.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new InvocationObserver({ capacity: 0 })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
