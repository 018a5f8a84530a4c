import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../events/http.js';
import { json } from '../events/http.js';
import type { AnyFunction } from '../function.js';
import { defineApp, defineFunction } from '../function.js';
import { payloadHash } from '../idempotency/payload.js';
import { idempotencyRecordKey, parseRecord } from '../idempotency/record.js';
import type { KeyValueStore } from '../kv/types.js';
import type { HttpResult } from '../runtime/http-result.js';
import type { RunningApp, RuntimeHarness } from './runtime-conformance.js';

/** How {@link runIdempotencyConformance} runs apps and reaches the store under test. */
export interface IdempotencyConformanceOptions {
  /** The adapter under test, as {@link runRuntimeConformance} starts it. */
  runtime: RuntimeHarness;
  /**
   * Open a client of the store under test. Called once per instance, so two
   * instances share the backend through clients of their own, as two
   * deployments would. Every test uses fresh keys: the backend may be shared.
   */
  openStore(): Promise<KeyValueStore>;
  /** Per-test time limit. Default 60 s. */
  timeoutMs?: number;
}

const never = <T>(): { promise: Promise<T>; resolve: (v: T) => void } => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (key: string, body: unknown) => ({
  method: 'POST',
  path: '/pay',
  headers: { 'content-type': 'application/json', 'idempotency-key': key },
  body: JSON.stringify(body),
});
const errorCode = (res: HttpResult) => res.json<{ error?: { code?: string } }>().error?.code;

/**
 * Fault injection for `FunctionSpec.idempotency` on one adapter and one store:
 * duplicates delivered in sequence and concurrently across two instances,
 * holders that crash before and after their side effect, lease expiry,
 * fencing of a holder whose lease was taken over, payload mismatch, result
 * expiry, and the two Powertools regressions (#5678: an in-progress record
 * without a deadline is not abandoned; #5714: recovering a stale record never
 * overwrites a live or completed one).
 *
 * @example
 * ```ts
 * runIdempotencyConformance('memory × redis', {
 *   runtime: { start: (app, o) => startMemory(app, o) },
 *   openStore: async () => new RedisKeyValueStore({ url }),
 * });
 * ```
 */
export function runIdempotencyConformance(name: string, options: IdempotencyConformanceOptions): void {
  describe(`Idempotency conformance: ${name}`, { timeout: options.timeoutMs ?? 60_000 }, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      await Promise.all(cleanup.splice(0).map((c) => c()));
    });

    /** Start `fns` on `count` instances, each with its own store client. */
    const startInstances = async (fns: AnyFunction[], count = 1, deliverTwice = false): Promise<{ apps: RunningApp[]; stores: KeyValueStore[] }> => {
      const apps: RunningApp[] = [];
      const stores: KeyValueStore[] = [];
      for (let i = 0; i < count; i++) {
        const store = await options.openStore();
        stores.push(store);
        const app = await options.runtime.start(defineApp({ name: 'idem', functions: fns, stores: { idem: store } }), deliverTwice ? { deliverTwice } : {});
        apps.push(app);
        cleanup.push(async () => {
          await app.close();
          await store.close();
        });
      }
      return { apps, stores };
    };

    /** An HTTP function whose side effect is counted, and which can be told to hang (a crashed holder). */
    const payFunction = (effects: number[], behave: (call: number, phase: 'before' | 'after') => Promise<void> = async () => {}, extra: { timeoutMs?: number; expiresAfterMs?: number } = {}) => {
      let calls = 0;
      return defineFunction({
        name: 'pay',
        trigger: { type: 'http', method: 'POST', path: '/pay' },
        ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
        idempotency: { store: 'idem', payload: (req: HttpRequest) => req.json(), ...(extra.expiresAfterMs ? { expiresAfterMs: extra.expiresAfterMs } : {}) },
        handler: async (req, ctx) => {
          const call = ++calls;
          const token = ctx.idempotency?.fencingToken ?? 0;
          await behave(call, 'before');
          effects.push(token);
          await behave(call, 'after');
          return json({ receipt: randomUUID(), amount: req.json<{ amount: number }>().amount, token });
        },
      });
    };

    it('runs a request sent three times once, and answers all three the same', async () => {
      const effects: number[] = [];
      const { apps } = await startInstances([payFunction(effects)]);
      const key = randomUUID();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await (apps[0] as RunningApp).http(post(key, { amount: 5 })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((a) => a.text())).size).toBe(1);
      expect(effects).toEqual([1]);
    });

    it('runs a message delivered three times (same order key) once, and once under deliver-twice', async () => {
      const seen: string[] = [];
      const fn = defineFunction({
        name: 'fulfil',
        trigger: { type: 'queue', queue: 'orders' },
        idempotency: { store: 'idem', key: (msg) => msg.json<{ order: string }>().order },
        handler: (msg) => {
          seen.push(msg.json<{ order: string }>().order);
          return { shipped: true };
        },
      });
      const { apps } = await startInstances([fn]);
      const app = apps[0] as RunningApp;
      const order = randomUUID();
      for (let i = 0; i < 3; i++) {
        await app.send('orders', JSON.stringify({ order }));
        await app.idle();
      }
      expect(seen).toEqual([order]);
      expect(app.deadLetters()).toEqual([]);

      const twice = (await startInstances([fn], 1, true)).apps[0] as RunningApp;
      const other = randomUUID();
      await twice.send('orders', JSON.stringify({ order: other }));
      await twice.idle();
      expect(seen.filter((o) => o === other)).toEqual([other]);
    });

    it('2 instances × 200 concurrent duplicates: exactly one side effect and the same answer for all', async () => {
      const effects: number[] = [];
      const { apps } = await startInstances([payFunction(effects, async (_call, phase) => { if (phase === 'before') await sleep(100); })], 2);
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => (apps[i % 2] as RunningApp).http(post(key, { amount: 7 }))));
      expect(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text()}`)).toEqual([]);
      expect(new Set(answers.map((a) => a.text())).size).toBe(1);
      expect(effects).toEqual([1]);
    });

    it('a holder that crashes before its side effect: duplicates wait out its lease, then one takes over', async () => {
      const effects: number[] = [];
      const hang = never<void>();
      cleanup.push(async () => hang.resolve());
      const behave = (call: number, phase: string) => (call === 1 && phase === 'before' ? hang.promise : Promise.resolve());
      const { apps } = await startInstances([payFunction(effects, behave, { timeoutMs: 2_500 })], 2);
      const key = randomUUID();
      const started = Date.now();
      const crashed = (apps[0] as RunningApp).http(post(key, { amount: 1 }));
      // Duplicates arrive while the lease is live, with time enough past its end for an emulator's slow writes.
      await sleep(1_500);
      const duplicates = await Promise.all(Array.from({ length: 20 }, (_, i) => (apps[i % 2] as RunningApp).http(post(key, { amount: 1 }))));
      expect((await crashed).status).toBe(504);
      expect(duplicates.filter((d) => d.status !== 200).map((d) => `${d.status} ${d.text()}`)).toEqual([]);
      expect(new Set(duplicates.map((d) => d.text())).size).toBe(1);
      // No duplicate ran while the lease was live: the one run happened after the holder's deadline.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
      expect(effects).toEqual([2]);
    });

    it('a holder that crashes after its side effect cannot overwrite its successor (fencing, powertools #5714)', async () => {
      const effects: number[] = [];
      const hang = never<void>();
      cleanup.push(async () => hang.resolve());
      let zombieDone = false;
      const behave = async (call: number, phase: string) => {
        if (call !== 1 || phase !== 'after') return;
        await hang.promise; // side effect done, then "dead" past its lease; revived later, it tries to complete
        zombieDone = true;
      };
      const { apps, stores } = await startInstances([payFunction(effects, behave, { timeoutMs: 800 })], 2);
      const key = randomUUID();
      expect((await (apps[0] as RunningApp).http(post(key, { amount: 2 }))).status).toBe(504);
      const successor = await (apps[1] as RunningApp).http(post(key, { amount: 2 }));
      expect(successor.status).toBe(200);
      expect(successor.json<{ token: number }>().token).toBe(2);
      hang.resolve();
      for (let i = 0; i < 100 && !zombieDone; i++) await sleep(20);
      await sleep(300); // its completion write, refused
      const entry = await (stores[0] as KeyValueStore).get(idempotencyRecordKey('pay', key));
      const record = parseRecord(entry?.value);
      expect(record).toMatchObject({ status: 'completed', token: 2 });
      const replay = await (apps[0] as RunningApp).http(post(key, { amount: 2 }));
      expect(replay.text()).toBe(successor.text());
      // Inside the crash window the work ran twice (at least once, as with any lease); each run had its own fencing token.
      expect(effects).toEqual([1, 2]);
    });

    it('never treats an in-progress record as abandoned while its lease is live, or when it has no deadline (powertools #5678)', async () => {
      const effects: number[] = [];
      const { apps, stores } = await startInstances([payFunction(effects, async () => {}, { timeoutMs: 800 })]);
      const store = stores[0] as KeyValueStore;
      const hash = payloadHash({ amount: 3 });
      const noDeadline = randomUUID();
      await store.put(idempotencyRecordKey('pay', noDeadline), { status: 'in-progress', hash, token: 1 }, { ttlMs: 60_000 });
      const live = randomUUID();
      await store.put(idempotencyRecordKey('pay', live), { status: 'in-progress', hash, token: 1, leaseUntil: Date.now() + 30_000 }, { ttlMs: 60_000 });
      for (const key of [noDeadline, live]) {
        const res = await (apps[0] as RunningApp).http(post(key, { amount: 3 }));
        expect(res.status).toBe(409);
        expect(errorCode(res)).toBe('AlreadyExists');
      }
      expect(effects).toEqual([]);
    });

    it('refuses the same key with a different payload, and releases the key of a failed run', async () => {
      const effects: number[] = [];
      const { apps } = await startInstances([
        payFunction(effects, async (call, phase) => {
          if (call === 1 && phase === 'before') throw new Error('card network down');
        }),
      ]);
      const app = apps[0] as RunningApp;
      const key = randomUUID();
      expect((await app.http(post(key, { amount: 4 }))).status).toBe(500);
      const ok = await app.http(post(key, { amount: 4 }));
      expect(ok.status).toBe(200);
      const other = await app.http(post(key, { amount: 400 }));
      expect(other.status).toBe(400);
      expect(errorCode(other)).toBe('InvalidArgument');
      expect((await app.http(post(key, { amount: 4 }))).text()).toBe(ok.text());
      expect(effects).toEqual([1]);
    });

    it('runs again once the stored result has expired', async () => {
      const effects: number[] = [];
      const { apps } = await startInstances([payFunction(effects, async () => {}, { expiresAfterMs: 400 })]);
      const app = apps[0] as RunningApp;
      const key = randomUUID();
      const first = await app.http(post(key, { amount: 9 }));
      expect((await app.http(post(key, { amount: 9 }))).text()).toBe(first.text());
      await sleep(600);
      const later = await app.http(post(key, { amount: 9 }));
      expect(later.status).toBe(200);
      expect(later.text()).not.toBe(first.text());
      expect(effects).toEqual([1, 1]);
    });
  });
}
