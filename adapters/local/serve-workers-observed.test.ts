import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationRecord } from '../../src/adapter.js';
import { InvocationObserver } from '../../src/adapter.js';
import { DEFAULT_PRICES, runCost } from '../../src/index.js';
import type { LocalServer } from './serve.js';
import { serve } from './serve.js';
import { app } from './test-support/pool-serve-app.js';

/** CPU milliseconds the spin function burns in its worker. */
const SPIN_MS = 120;

/** serve({ workers }): the workers' invocations are recorded by the server's observer, as in-process ones are. */
describe('serve({ workers }) invocation records', () => {
  let dir: string;
  let server: LocalServer;
  const observer = new InvocationObserver();
  const heard: InvocationRecord[] = [];
  const messages: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-serve-observed-'));
    observer.subscribe((records) => heard.push(...records));
    server = await serve(app, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: resolve(import.meta.dirname, 'test-support/pool-serve-app.ts'), count: 2, onMessage: (m) => messages.push(m) },
      observer,
      stateDir: false,
      schedules: false,
      retryDelayMs: 5,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Whether the spin function's message to the pool's owner was sent, as it wrote down. */
  const relayed = async (target: LocalServer, key: string) => (JSON.parse(new TextDecoder().decode((await target.bucket('data').get(key)).body)) as { relayed: boolean }).relayed;

  /** The same events on any server; what was recorded, without timings, in a stable order. */
  async function run(target: LocalServer, records: () => readonly InvocationRecord[]) {
    for (const name of ['a', 'flaky']) target.send('jobs', name);
    target.send('spin', String(SPIN_MS));
    target.send('bad', 'x');
    await target.idle();
    return records()
      .map((r) => [r.function, r.trigger, r.attempt, r.status, r.errorCode ?? '', r.errorMessage ?? '', r.memoryMb ?? 0].join(' '))
      .sort();
  }

  it('records each pool invocation with its outcome, attempt, memory and the worker’s own duration and CPU time', async () => {
    const pooled = await run(server, () => observer.records());
    let hereRelayed: boolean | undefined;
    const inDir = await mkdtemp(join(tmpdir(), 'polyfaas-serve-observed-here-'));
    const here = new InvocationObserver();
    const inProcess = await serve(app, { buckets: { data: pathToFileURL(inDir).href }, observer: here, console: false, stateDir: false, schedules: false, retryDelayMs: 5 });
    try {
      // Same invocations, attempts, failures and codes as when the server runs them itself.
      expect(pooled).toEqual(await run(inProcess, () => here.records()));
      hereRelayed = await relayed(inProcess, `spun/${process.pid}.json`);
    } finally {
      await inProcess.close();
      await rm(inDir, { recursive: true, force: true });
    }
    expect(pooled.filter((r) => r.startsWith('bad '))).toEqual(['bad queue 1 error InvalidArgument never valid 0', 'bad queue 2 error InvalidArgument never valid 0', 'bad queue 3 error InvalidArgument never valid 0']);
    expect(pooled).toContain('echo queue 1 error Unavailable first attempt fails 0');
    expect(pooled.filter((r) => r.startsWith('copy storage 1 ok'))).toHaveLength(2);

    const records = observer.records();
    expect(new Set(records.map((r) => r.seq)).size).toBe(records.length);
    const spin = records.find((r) => r.function === 'spin') as InvocationRecord;
    expect(spin).toMatchObject({ trigger: 'queue', status: 'ok', memoryMb: 512, attempt: 1 });
    expect(spin.durationMs).toBeGreaterThanOrEqual(SPIN_MS);
    // The busy loop ran in a worker: only the worker's process.cpuUsage() saw that CPU time.
    expect(spin.cpuMs).toBeGreaterThanOrEqual(SPIN_MS);
    expect(spin.start).toBeGreaterThan(Date.now() - 60_000);
    const [line] = spin.logs;
    const workerPid = Number(/^spun in (\d+)$/.exec(line?.msg ?? '')?.[1]);
    expect(workerPid).toBeGreaterThan(0);
    expect(workerPid).not.toBe(process.pid);
    const spun: string[] = [];
    for await (const o of server.bucket('data').list({ prefix: 'spun/' })) spun.push(o.key);
    expect(spun).toEqual([`spun/${workerPid}.json`]);
    // What the function sent over the pool's channel arrived here; run in this process, it sends nothing.
    expect(messages).toEqual([{ spun: workerPid }]);
    expect(await relayed(server, `spun/${workerPid}.json`)).toBe(true);
    expect(hereRelayed).toBe(false);
  }, 60_000);

  it('shows them in the console’s invocations feed and Cost page', async () => {
    const { records } = (await (await fetch(`${server.consoleUrl}api/invocations`)).json()) as { records: InvocationRecord[] };
    expect(records.map((r) => r.seq)).toEqual(observer.records().map((r) => r.seq));
    expect(records.find((r) => r.function === 'spin')?.cpuMs).toBeGreaterThanOrEqual(SPIN_MS);
    const cost = (await (await fetch(`${server.consoleUrl}api/cost`)).json()) as { recent: { functions: { function: string; invocations: number }[] } };
    expect(cost.recent.functions.map((f) => [f.function, f.invocations])).toEqual([
      ['bad', 3],
      ['copy', 2],
      ['echo', 3],
      ['spin', 1],
    ]);
  });

  it('hands them to observer listeners, so a run’s cost includes what ran in the pool', async () => {
    await new Promise((done) => setImmediate(done));
    expect(heard.map((r) => r.seq)).toEqual(observer.records().map((r) => r.seq));
    const { stages, total } = runCost(heard, { stages: { echo: 'work', copy: 'work', bad: 'work', spin: 'spin' } });
    const spin = stages.find((s) => s.stage === 'spin');
    const spinRecord = heard.find((r) => r.function === 'spin') as InvocationRecord;
    expect(spin).toMatchObject({ invocations: 1, computeMs: spinRecord.durationMs });
    // AWS by its published formula at the function's 512 MB.
    const aws = DEFAULT_PRICES.platforms.aws;
    expect(spin?.cost.aws).toBeCloseTo(aws.perInvocation + 0.5 * (Math.ceil(spinRecord.durationMs) / 1000) * aws.perGbSecond, 15);
    expect(total.invocations).toBe(heard.length);
    expect(total.computeMs).toBeCloseTo(heard.reduce((s, r) => s + r.durationMs, 0), 6);
  });
});
