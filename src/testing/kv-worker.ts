/**
 * A child process of the key-value conformance suite: opens the store under
 * test by URL, reports `ready`, waits for `go` on stdin (so every worker
 * starts contending at once), runs its share of increments and prints one
 * JSON line with the values it observed.
 *
 * Usage: node [--import tsx] kv-worker.js '<json WorkerJob>'
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { isPolyfaasError } from '../errors.js';
import { backoff } from '../kv/portable.js';
import { openKeyValueStore } from '../kv/url.js';
import type { KeyValueStore } from '../kv/types.js';

/** What one worker does. */
export interface WorkerJob {
  url: string;
  module: string;
  exportName: string;
  mode: 'cas' | 'increment';
  key: string;
  count: number;
}

/** What one worker reports. */
export interface WorkerReport {
  /** The counter value each successful operation produced. */
  values: number[];
  /** Compare-and-swap attempts refused because another writer won. */
  conflicts: number;
}

/** Add 1 by read + compare-and-swap until it sticks; returns the value written and the conflicts met. */
export async function casIncrement(store: KeyValueStore, key: string): Promise<{ value: number; conflicts: number }> {
  for (let conflicts = 0; ; conflicts++) {
    const started = performance.now();
    const entry = await store.get<number>(key);
    const value = (entry?.value ?? 0) + 1;
    try {
      await store.put(key, value, entry ? { ifVersion: entry.version } : { ifAbsent: true });
      return { value, conflicts };
    } catch (err) {
      if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
    }
    await backoff(conflicts, performance.now() - started);
  }
}

/** Run a job's operations against an open store. */
export async function runJob(store: KeyValueStore, job: Pick<WorkerJob, 'mode' | 'key' | 'count'>): Promise<WorkerReport> {
  const report: WorkerReport = { values: [], conflicts: 0 };
  for (let i = 0; i < job.count; i++) {
    if (job.mode === 'increment') {
      report.values.push(await store.increment(job.key));
    } else {
      const { value, conflicts } = await casIncrement(store, job.key);
      report.values.push(value);
      report.conflicts += conflicts;
    }
  }
  return report;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as WorkerJob;
  const setup = (await import(pathToFileURL(job.module).href)) as Record<string, unknown>;
  const register = setup[job.exportName];
  if (typeof register !== 'function') throw new Error(`${job.module} does not export a function ${job.exportName}`);
  await (register as () => unknown)();
  const store = await openKeyValueStore(job.url);
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  const report = await runJob(store, job);
  await store.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
