import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, defineApp, defineFunction, PolyfaasError } from '../../src/index.js';
import type { LogRecord } from '../../src/index.js';
import type { LocalServer, ServeOptions } from './index.js';
import { serve } from './index.js';
import type { Call } from './test-support/durable-app.js';
import { durableApp, MESSAGE_BODY } from './test-support/durable-app.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-journal-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(app: Parameters<typeof serve>[0], options: ServeOptions = {}): Promise<{ server: LocalServer; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const server = await serve(app, { log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }), retryDelayMs: 1, schedules: false, ...options });
  cleanups.push(() => server.close());
  return { server, logs };
}

/** Run the durable app in a child until both handlers are running, then SIGKILL it. */
async function killWithEventsInFlight(dir: string): Promise<Call[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'test-support/durable-app.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const calls = await new Promise<Call[]>((resolve, reject) => {
    const seen: Call[] = [];
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('CALL ')) seen.push(JSON.parse(line.slice(5)) as Call);
      if (seen.length === 2) resolve(seen);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before both handlers ran: ${stderr}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  return calls;
}

const journalDir = (dir: string) => path.join(dir, '.polyfaas', 'delivery', 'durable-test');

describe('serve: durable delivery', () => {
  it('delivers events in flight at kill -9 again on the next start, same events, attempt count carried on', async () => {
    const dir = await tempDir();
    const before = await killWithEventsInFlight(dir);
    expect(before.map((c) => [c.fn, c.attempt]).sort()).toEqual([['on-message', 1], ['on-upload', 1]]);
    expect(await readdir(path.join(journalDir(dir), 'pending'))).toHaveLength(2);

    const after: Call[] = [];
    const { server } = await start(durableApp(dir, (c) => after.push(c), false));
    await server.idle();
    const byFn = (calls: Call[], fn: string) => calls.find((c) => c.fn === fn);
    for (const fn of ['on-upload', 'on-message']) {
      expect(byFn(after, fn)).toEqual({ ...byFn(before, fn), attempt: 2 });
    }
    expect(byFn(after, 'on-message')?.detail).toBe(`${[...MESSAGE_BODY].join(',')} v`);
    expect(server.deadLetters).toEqual([]);
    // Settled: nothing left to replay, so a third start delivers nothing.
    expect(await readdir(path.join(journalDir(dir), 'pending'))).toEqual([]);
    await server.close();
    const third: Call[] = [];
    const again = await start(durableApp(dir, (c) => third.push(c), false));
    await again.server.idle();
    expect(third).toEqual([]);
  }, 30_000);

  it('keeps dead letters on disk across restarts, and retryDeadLetter delivers them again', async () => {
    const dir = await tempDir();
    let failing = true;
    const seen: number[] = [];
    const app = defineApp({
      name: 'dead-test',
      buckets: { data: `file://${dir}` },
      functions: [
        defineFunction({
          name: 'worker',
          trigger: { type: 'storage', bucket: 'data', prefix: 'in/' },
          retries: 1,
          handler: async (_event, ctx) => {
            seen.push(ctx.attempt);
            if (failing) throw new PolyfaasError('Unavailable', 'down');
          },
        }),
      ],
    });
    const first = await start(app);
    await first.server.bucket('data').put('in/x', 'x');
    await first.server.idle();
    expect(first.server.deadLetters).toHaveLength(1);
    await first.server.close();
    const files = await readdir(path.join(dir, '.polyfaas', 'delivery', 'dead-test', 'dead'));
    expect(files).toHaveLength(1);

    const second = await start(app);
    expect(second.server.deadLetters).toHaveLength(1);
    const letter = second.server.deadLetters[0];
    expect(letter).toMatchObject({ function: 'worker', attempts: 2, error: { code: 'Unavailable', message: 'down' }, event: { key: 'in/x' } });
    expect(`${letter?.id}.json`).toBe(files[0]);
    expect((letter?.event as { time: Date }).time).toBeInstanceOf(Date);

    failing = false;
    await second.server.retryDeadLetter(letter?.id as string);
    await second.server.idle();
    expect(seen).toEqual([1, 2, 1]);
    expect(second.server.deadLetters).toEqual([]);
    expect(await readdir(path.join(dir, '.polyfaas', 'delivery', 'dead-test', 'dead'))).toEqual([]);
    await expect(second.server.retryDeadLetter('nope')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('dead-letters a redelivered event with no attempts left, and one for a function the app lost', async () => {
    const dir = await tempDir();
    await killWithEventsInFlight(dir);
    // Same name, same bucket, but one function has retries 0 and the other is gone.
    const app = defineApp({
      name: 'durable-test',
      buckets: { data: `file://${dir}` },
      functions: [defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data', prefix: 'in/' }, retries: 0, handler: async () => {} })],
    });
    const { server } = await start(app);
    await server.idle();
    const letters = [...server.deadLetters].sort((a, b) => a.function.localeCompare(b.function));
    expect(letters).toMatchObject([
      { function: 'on-message', error: { code: 'NotFound' } },
      { function: 'on-upload', attempts: 1, error: { code: 'Unavailable' } },
    ]);
    expect(await readdir(path.join(journalDir(dir), 'pending'))).toEqual([]);
    expect(await readdir(path.join(journalDir(dir), 'dead'))).toHaveLength(2);
  }, 30_000);

  it('keeps events in memory only with stateDir: false, and in stateDir when given', async () => {
    const dir = await tempDir();
    const state = await tempDir();
    const app = durableApp(dir, () => {}, false);
    const off = await start(app, { stateDir: false });
    await off.server.bucket('data').put('in/1', '1');
    await off.server.idle();
    await off.server.close();
    await expect(readdir(path.join(dir, '.polyfaas', 'delivery'))).rejects.toMatchObject({ code: 'ENOENT' });
    const on = await start(app, { stateDir: state });
    await on.server.bucket('data').put('in/2', '2');
    await on.server.idle();
    expect(await readdir(state)).toEqual(expect.arrayContaining(['pending']));
    expect(await readdir(path.join(state, 'pending'))).toEqual([]);
  });
});
