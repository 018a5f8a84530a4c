import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPolyfaasError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { MAX_KV_KEY_BYTES, MAX_KV_VALUE_BYTES } from '../kv/limits.js';
import type { KeyValueStore, KvValue } from '../kv/types.js';
import { runWorkerProcesses } from './kv-processes.js';
import type { KvProcessSetup } from './kv-processes.js';
import { runJob } from './kv-worker.js';
import type { WorkerReport } from './kv-worker.js';

/** Options for {@link runKeyValueConformance}. */
export interface KeyValueConformanceOptions {
  /** A new client on the store under test; every call must reach the same data. */
  open: () => Promise<KeyValueStore>;
  /**
   * How child processes open the same store. Without it the multi-process
   * tests run as concurrent clients in this process: only right for stores
   * that live in one process (memory).
   */
  processes?: KvProcessSetup;
  /** Workers × increments of the compare-and-swap test. Default 8 × 500. */
  casWorkers?: number;
  casIncrements?: number;
  /** Per-test timeout, ms. Default 120 s (emulators are slow). */
  timeoutMs?: number;
}

/** Keys every driver must refuse with `InvalidArgument`. */
export const INVALID_KV_KEYS: readonly unknown[] = [
  '',
  'x'.repeat(MAX_KV_KEY_BYTES + 1),
  'é'.repeat(MAX_KV_KEY_BYTES / 2 + 1),
  'nul\u0000byte',
  'new\nline',
  'del\u007f',
  'c1\u0085',
  'lone\ud800surrogate',
  42,
  undefined,
];

/** Keys every driver must store as given (awkward for paths, tables and URLs). */
const AWKWARD_KEYS = ['a', 'a/b/c', '../up', 'a//b/', '/lead', 'back\\slash', 'hash#q?x=1&y', 'percent%2F', 'spaces and\ttabs'.replace('\t', ' '), 'ключ-😀'];

/**
 * The key-value contract as a vitest suite. Run it against any driver to prove
 * it behaves exactly like the others: round trips, TTL expiry, `ifAbsent`
 * races, compare-and-swap, increments from several processes, bad keys and
 * oversized values.
 *
 * @example
 * ```ts
 * import { runKeyValueConformance } from 'polyfaas/testing';
 * runKeyValueConformance('memory', { open: async () => new MemoryKeyValueStore('t') });
 * ```
 */
export function runKeyValueConformance(name: string, options: KeyValueConformanceOptions): void {
  const timeout = options.timeoutMs ?? 120_000;
  const casWorkers = options.casWorkers ?? 8;
  const casIncrements = options.casIncrements ?? 500;
  describe(`KeyValueStore conformance: ${name}`, { timeout }, () => {
    const run = randomUUID();
    const k = (suffix: string) => `${run}/${suffix}`;
    let kv: KeyValueStore;
    const opened: KeyValueStore[] = [];
    const open = async () => {
      const store = await options.open();
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      kv = await open();
    });
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
    });

    it('round-trips JSON values and raw bytes exactly', async () => {
      const values: KvValue[] = [{ a: 1, b: [true, null, 'ü'] }, 'text', 0, -12.5, null, false, [], {}];
      for (const [i, value] of values.entries()) {
        const written = await kv.put(k(`json/${i}`), value);
        const got = await kv.get(k(`json/${i}`));
        expect(got?.value).toEqual(value);
        expect(got?.version).toBe(written.version);
        expect(got?.expiresAt).toBeUndefined();
      }
      const bytes = new Uint8Array(512).map((_, i) => i % 256);
      await kv.put(k('bytes'), bytes);
      const got = await kv.get(k('bytes'));
      expect(got?.value).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(got?.value as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
      await kv.put(k('empty'), new Uint8Array());
      expect((await kv.get(k('empty')))?.value).toEqual(new Uint8Array());
    });

    it('stores awkward keys as given, each apart from the others', async () => {
      const keys = [...AWKWARD_KEYS.map((key) => `${run}${key}`), `${run}${'x'.repeat(MAX_KV_KEY_BYTES - run.length)}`];
      for (const [i, key] of keys.entries()) await kv.put(key, i);
      for (const [i, key] of keys.entries()) expect((await kv.get(key))?.value).toBe(i);
    });

    it('changes the version on every write, also when the value is the same', async () => {
      const first = await kv.put(k('versions'), 'same');
      const second = await kv.put(k('versions'), 'same');
      expect(second.version).not.toBe(first.version);
      expect((await kv.get(k('versions')))?.version).toBe(second.version);
    });

    it('treats missing keys as absent', async () => {
      expect(await kv.get(k('missing'))).toBeUndefined();
      await kv.delete(k('missing'));
      await expectCode(kv.delete(k('missing'), { ifVersion: 'v1' }), 'PreconditionFailed');
      await expectCode(kv.put(k('missing'), 1, { ifVersion: 'v1' }), 'PreconditionFailed');
      expect(await kv.get(k('missing'))).toBeUndefined();
      await kv.put(k('deleted'), 1);
      await kv.delete(k('deleted'));
      expect(await kv.get(k('deleted'))).toBeUndefined();
    });

    it('refuses compare-and-swap with a stale version, for put and delete', async () => {
      const v1 = await kv.put(k('cas'), 'one');
      const v2 = await kv.put(k('cas'), 'two', { ifVersion: v1.version });
      await expectCode(kv.put(k('cas'), 'stale', { ifVersion: v1.version }), 'PreconditionFailed');
      await expectCode(kv.delete(k('cas'), { ifVersion: v1.version }), 'PreconditionFailed');
      await expectCode(kv.put(k('cas'), 'again', { ifAbsent: true }), 'PreconditionFailed');
      expect((await kv.get(k('cas')))?.value).toBe('two');
      await kv.delete(k('cas'), { ifVersion: v2.version });
      expect(await kv.get(k('cas'))).toBeUndefined();
      await expectCode(kv.put(k('cas'), 'after', { ifVersion: v2.version }), 'PreconditionFailed');
      await kv.put(k('cas'), 'fresh', { ifAbsent: true });
      expect((await kv.get(k('cas')))?.value).toBe('fresh');
    });

    it('expires entries after their TTL: absent to get, to ifVersion and to ifAbsent', async () => {
      const before = Date.now();
      const written = await kv.put(k('ttl'), 'short', { ttlMs: 600 });
      const live = await kv.get(k('ttl'));
      expect(live?.value).toBe('short');
      expect(live?.expiresAt).toBe(written.expiresAt);
      expect(written.expiresAt).toBeGreaterThanOrEqual(before + 600);
      await kv.put(k('ttl-long'), 'long', { ttlMs: 60_000 });
      await kv.increment(k('ttl-counter'), 5, { ttlMs: 600 });
      await sleepUntil((written.expiresAt as number) + 50);
      expect(await kv.get(k('ttl'))).toBeUndefined();
      expect((await kv.get(k('ttl-long')))?.value).toBe('long');
      await expectCode(kv.put(k('ttl'), 'cas', { ifVersion: written.version }), 'PreconditionFailed');
      await expectCode(kv.delete(k('ttl'), { ifVersion: written.version }), 'PreconditionFailed');
      await kv.put(k('ttl'), 'again', { ifAbsent: true });
      expect((await kv.get(k('ttl')))?.value).toBe('again');
      expect(await kv.increment(k('ttl-counter'))).toBe(1);
    });

    it('keeps a counter’s expiry when it is incremented, and sets it only on creation', async () => {
      expect(await kv.increment(k('window'), 1, { ttlMs: 60_000 })).toBe(1);
      const created = (await kv.get(k('window')))?.expiresAt as number;
      expect(created).toBeGreaterThan(Date.now());
      expect(await kv.increment(k('window'), 2, { ttlMs: 1 })).toBe(3);
      expect((await kv.get(k('window')))?.expiresAt).toBe(created);
      expect(await kv.increment(k('plain'), -4)).toBe(-4);
      expect((await kv.get(k('plain')))?.expiresAt).toBeUndefined();
    });

    it('lets exactly one of many racing ifAbsent writers win', async () => {
      const clients = [kv, ...(await Promise.all([open(), open(), open()]))];
      const writers = Array.from({ length: 24 }, (_, i) => (clients[i % clients.length] as KeyValueStore).put(k('race'), { writer: i }, { ifAbsent: true }));
      const settled = await Promise.allSettled(writers);
      const winners = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ i, version: s.value.version }] : []));
      expect(winners).toHaveLength(1);
      for (const s of settled) if (s.status === 'rejected') expect(isPolyfaasError(s.reason, 'PreconditionFailed')).toBe(true);
      const stored = await kv.get(k('race'));
      expect(stored?.value).toEqual({ writer: winners[0]?.i });
      expect(stored?.version).toBe(winners[0]?.version);
    });

    it(`ends at exactly ${casWorkers * casIncrements} after ${casWorkers} ${options.processes ? 'processes' : 'clients'} × ${casIncrements} compare-and-swap increments`, async () => {
      const key = k('cas-counter');
      const started = Date.now();
      const reports = await runWorkers(key, 'cas', casWorkers, casIncrements);
      const values = reports.flatMap((r) => r.values).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: casWorkers * casIncrements }, (_, i) => i + 1));
      expect((await kv.get(k('cas-counter')))?.value).toBe(casWorkers * casIncrements);
      log(`${name}: ${casWorkers}×${casIncrements} CAS increments in ${Date.now() - started} ms, ${reports.reduce((n, r) => n + r.conflicts, 0)} conflicts`);
    });

    it('loses no update when several processes increment at once', async () => {
      const key = k('counter');
      const started = Date.now();
      const reports = await runWorkers(key, 'increment', 4, 250);
      const values = reports.flatMap((r) => r.values).sort((a, b) => a - b);
      expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect((await kv.get(key))?.value).toBe(1000);
      log(`${name}: 4×250 increments in ${Date.now() - started} ms`);
    });

    it('refuses bad keys with InvalidArgument on every operation', async () => {
      for (const key of INVALID_KV_KEYS) {
        await expectCode(kv.get(key as string), 'InvalidArgument');
        await expectCode(kv.put(key as string, 1), 'InvalidArgument');
        await expectCode(kv.delete(key as string), 'InvalidArgument');
        await expectCode(kv.increment(key as string), 'InvalidArgument');
      }
    });

    it(`accepts values up to ${MAX_KV_VALUE_BYTES} bytes and refuses bigger ones with PayloadTooLarge`, async () => {
      const largest = new Uint8Array(MAX_KV_VALUE_BYTES).map((_, i) => (i * 7) % 256);
      await kv.put(k('big'), largest);
      expect(Buffer.from((await kv.get(k('big')))?.value as Uint8Array).equals(Buffer.from(largest))).toBe(true);
      await expectCode(kv.put(k('too-big'), new Uint8Array(MAX_KV_VALUE_BYTES + 1)), 'PayloadTooLarge');
      await expectCode(kv.put(k('too-big'), 'x'.repeat(MAX_KV_VALUE_BYTES - 1)), 'PayloadTooLarge'); // + 2 quotes
      const json = 'y'.repeat(MAX_KV_VALUE_BYTES - 2);
      await kv.put(k('big-json'), json);
      expect((await kv.get(k('big-json')))?.value).toBe(json);
      expect(await kv.get(k('too-big'))).toBeUndefined();
    });

    it('refuses malformed options, values and increments with InvalidArgument', async () => {
      await expectCode(kv.put(k('opts'), 1, { ifAbsent: true, ifVersion: 'v' }), 'InvalidArgument');
      for (const ttlMs of [0, -1, 1.5, Number.NaN, 400 * 24 * 3600 * 1000]) await expectCode(kv.put(k('opts'), 1, { ttlMs }), 'InvalidArgument');
      await expectCode(kv.put(k('opts'), 1, { ifVersion: '' }), 'InvalidArgument');
      await expectCode(kv.put(k('opts'), undefined as unknown as KvValue), 'InvalidArgument');
      await expectCode(kv.increment(k('opts'), 1.5), 'InvalidArgument');
      await kv.put(k('not-a-number'), 'text');
      await expectCode(kv.increment(k('not-a-number')), 'InvalidArgument');
      await kv.put(k('huge'), Number.MAX_SAFE_INTEGER);
      await expectCode(kv.increment(k('huge')), 'InvalidArgument');
      expect((await kv.get(k('huge')))?.value).toBe(Number.MAX_SAFE_INTEGER);
      expect(await kv.increment(k('edge'), Number.MAX_SAFE_INTEGER - 1)).toBe(Number.MAX_SAFE_INTEGER - 1);
      expect(await kv.increment(k('edge'))).toBe(Number.MAX_SAFE_INTEGER);
      await expectCode(kv.increment(k('edge')), 'InvalidArgument');
      expect(await kv.increment(k('edge'), -Number.MAX_SAFE_INTEGER)).toBe(0);
    });

    async function runWorkers(key: string, mode: 'cas' | 'increment', workers: number, count: number): Promise<WorkerReport[]> {
      const jobs = Array.from({ length: workers }, () => ({ mode, key, count }));
      if (options.processes) return runWorkerProcesses(options.processes, jobs);
      const clients = await Promise.all(jobs.map(() => open()));
      return Promise.all(jobs.map((job, i) => runJob(clients[i] as KeyValueStore, job)));
    }
  });
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeDefined();
  expect(isPolyfaasError(err) ? err.code : err).toBe(code);
}

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now())));
}

function log(line: string): void {
  if (process.env.POLYFAAS_KV_TIMINGS) process.stderr.write(`${line}\n`);
}
