import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from './serve.js';
import { serve } from './serve.js';
import { app } from './test-support/pool-serve-app.js';

/** serve({ workers }): events run in worker processes with the delivery semantics of the in-process server. */
describe('serve({ workers })', () => {
  let dir: string;
  let server: LocalServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-serve-workers-'));
    server = await serve(app, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: resolve(import.meta.dirname, 'test-support/pool-serve-app.ts'), count: 2 },
      console: false,
      stateDir: false,
      retryDelayMs: 5,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Send the same events to a server and say what happened: where, on which attempt, what died. */
  async function exercise(target: LocalServer) {
    const names = ['a', 'b', 'c', 'd', 'e', 'flaky'];
    for (const name of names) target.send('jobs', name);
    target.send('bad', 'x');
    await target.idle();
    const data = target.bucket('data');
    const read = async (key: string) => JSON.parse(new TextDecoder().decode((await data.get(key)).body)) as { pid: number; attempt?: number };
    const outs = await Promise.all(names.map((n) => read(`out/${n}.json`)));
    const copies = await Promise.all(names.map((n) => read(`copied/${n}.json`)));
    return {
      pids: new Set([...outs, ...copies].map((o) => o.pid)),
      attempts: outs.map((o) => o.attempt),
      deadLetters: target.deadLetters.map((d) => [d.function, d.attempts, d.error.code, d.error.message]),
    };
  }

  it('runs queue and storage invocations in the workers with the in-process server’s retries, chained events and dead letters', async () => {
    const pooled = await exercise(server);
    expect(pooled.pids.has(process.pid)).toBe(false);
    expect(pooled.pids.size).toBe(2);
    const inDir = await mkdtemp(join(tmpdir(), 'polyfaas-serve-inprocess-'));
    const inProcess = await serve(app, { buckets: { data: pathToFileURL(inDir).href }, console: false, stateDir: false, retryDelayMs: 5 });
    try {
      const here = await exercise(inProcess);
      expect([...here.pids]).toEqual([process.pid]);
      expect(pooled.attempts).toEqual(here.attempts);
      expect(pooled.deadLetters).toEqual(here.deadLetters);
      expect(here.attempts).toEqual([1, 1, 1, 1, 1, 2]);
      expect(here.deadLetters).toEqual([['bad', 3, 'InvalidArgument', 'never valid']]);
    } finally {
      await inProcess.close();
      await rm(inDir, { recursive: true, force: true });
    }
  }, 60_000);
});
