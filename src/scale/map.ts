import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../errors.js';
import { ErrorCodes, isPolyfaasError, PolyfaasError, toPolyfaasError } from '../errors.js';
import type { Bucket } from '../storage/types.js';
import type { MapOptions, ResolvedMapOptions } from './map-options.js';
import { resolveMapOptions } from './map-options.js';
import type { MapFailureRecord, MapRecord, MapReply, MapTask } from './map-task.js';
import { checkedReply, failureKey, inputKey, resultKey } from './map-task.js';
import type { Invoker } from './invoker.js';

/** One item's outcome, at its input's index. */
export type MapItem<R> =
  | { readonly ok: true; readonly value: R; readonly launches: number }
  | { readonly ok: false; readonly error: PolyfaasError; readonly launches: number };

/** What a map did, for logs, benches and cost reports. */
export interface MapStats {
  readonly items: number;
  /** Invocations started, retries and backups included. */
  readonly launches: number;
  readonly retries: number;
  /** Backup launches of stragglers. */
  readonly backups: number;
  readonly failed: number;
  readonly wallMs: number;
}

/** What {@link map} resolves with: one entry per input, in input order, and the stats. */
export interface MapResult<R> {
  readonly id: string;
  readonly items: readonly MapItem<R>[];
  readonly stats: MapStats;
}

/** Failures a new launch cannot fix: the item or the call is wrong, not the moment. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['InvalidArgument', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unauthorized', 'Forbidden', 'Unimplemented']);

interface ItemState {
  readonly index: number;
  readonly base: Omit<MapTask, 'launch'>;
  launches: number;
  failures: number;
  /** Launch number → start (performance.now()). */
  readonly running: Map<number, number>;
  backedUp: boolean;
  outcome?: MapItem<unknown>;
}

/**
 * Call `fn` once per input, on whatever backend `options.invoker` reaches,
 * like Lithops' `map` or PyWren: at most `concurrency` items in flight,
 * retryable failures launched again (with backoff) up to `retries` times,
 * items still running at the `deadline` failed with `DeadlineExceeded`,
 * stragglers (a launch running `stragglers.factor` × the median) launched a
 * second time. Results come back in input order, each an ok value or a coded
 * error; the map itself only rejects when its options are wrong.
 *
 * Every launch commits its result to the bucket with write-if-absent, so the
 * first result of an item wins and later ones (a straggler finishing after
 * its backup) change nothing. Items and results too large for an invocation
 * payload travel through the same bucket. `fn` must be defined with
 * {@link defineMapFunction}.
 *
 * Works from a client program and from inside a function (pass
 * `ctx.bucket(...)` and `deadline: ctx.deadline - margin`).
 *
 * @example
 * ```ts
 * const { items } = await map('resize', keys, { invoker: lambdaInvoker({ client }), bucket, concurrency: 200 });
 * const failed = items.filter((i) => !i.ok);
 * ```
 */
export async function map<T, R = unknown>(fn: string, inputs: readonly T[], options: MapOptions): Promise<MapResult<R>> {
  const o = resolveMapOptions(options);
  const id = options.id ?? randomUUID();
  const t0 = performance.now();
  const states = await prepare(inputs, id, o, options.bucket, options.invoker.mode === 'enqueue');
  const run = new MapRun(fn, states, o, options.invoker, options.bucket, options.signal);
  await run.done;
  const items = states.map((s) => s.outcome as MapItem<R>);
  const launches = states.reduce((n, s) => n + s.launches, 0);
  return {
    id,
    items,
    stats: {
      items: items.length,
      launches,
      retries: states.reduce((n, s) => n + Math.max(0, s.failures - (s.outcome?.ok === false ? 1 : 0)), 0),
      backups: states.filter((s) => s.backedUp).length,
      failed: items.filter((i) => !i.ok).length,
      wallMs: Math.round(performance.now() - t0),
    },
  };
}

/** The task of every item; items too large to inline are put in the bucket first. */
async function prepare(inputs: readonly unknown[], id: string, o: ResolvedMapOptions, bucket: Bucket, report: boolean): Promise<ItemState[]> {
  const encoder = new TextEncoder();
  return Promise.all(
    inputs.map(async (item, index) => {
      const json = JSON.stringify(item ?? null);
      const common = { 'polyfaas.map': 1 as const, id, prefix: o.prefix, index, inlineLimit: o.inlineLimit, ...(report ? { report } : {}) };
      let base: Omit<MapTask, 'launch'>;
      if (encoder.encode(json).byteLength <= o.inlineLimit) base = { ...common, item: item ?? null };
      else {
        const key = inputKey(o.prefix, id, index);
        await bucket.put(key, json, { contentType: 'application/json' });
        base = { ...common, itemKey: key };
      }
      return { index, base, launches: 0, failures: 0, running: new Map(), backedUp: false };
    }),
  );
}

/** One map in progress: the scheduler of launches, retries, backups and the deadline. */
class MapRun {
  readonly done: Promise<void>;
  private finish!: () => void;
  private next = 0;
  private inFlight = 0;
  private settledCount = 0;
  private readonly durations: number[] = [];
  private readonly stop = new AbortController();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private checker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly fn: string,
    private readonly states: ItemState[],
    private readonly o: ResolvedMapOptions,
    private readonly invoker: Invoker,
    private readonly bucket: Bucket,
    signal: AbortSignal | undefined,
  ) {
    this.done = new Promise((ok) => (this.finish = ok));
    if (states.length === 0) {
      this.finish();
      return;
    }
    if (signal?.aborted) {
      this.failAll('Unavailable', 'The map was aborted');
      return;
    }
    signal?.addEventListener('abort', () => this.failAll('Unavailable', 'The map was aborted'), { once: true });
    if (Number.isFinite(o.deadline)) this.later(Math.max(0, o.deadline - Date.now()), () => this.failAll('DeadlineExceeded', 'The map deadline passed before this item finished'));
    if (o.stragglers) this.checker = setInterval(() => this.checkStragglers(), o.stragglers.checkMs);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.o.concurrency && this.next < this.states.length && !this.stop.signal.aborted) {
      const state = this.states[this.next++] as ItemState;
      this.inFlight++;
      this.launch(state);
    }
  }

  private launch(state: ItemState): void {
    const launch = ++state.launches;
    const started = performance.now();
    state.running.set(launch, started);
    const task: MapTask = { ...state.base, launch };
    void this.attempt(task)
      .then((reply) => this.succeeded(state, launch, started, reply))
      .catch((err: unknown) => this.failed(state, launch, err));
  }

  /** One launch, to its reply: the function's answer, or for `enqueue` invokers the record it left in the bucket. */
  private async attempt(task: MapTask): Promise<MapReply> {
    const answer = await this.invoker.invoke(this.fn, task, { signal: this.stop.signal });
    const reply = this.invoker.mode === 'reply' ? checkedReply(answer, task.index) : await this.watch(task);
    if (reply.error) throw new PolyfaasError(asCode(reply.error.code), reply.error.message);
    return reply;
  }

  private async watch(task: MapTask): Promise<MapReply> {
    const out = resultKey(task.prefix, task.id, task.index);
    const fail = failureKey(task.prefix, task.id, task.index, task.launch);
    for (;;) {
      if (this.stop.signal.aborted) throw new PolyfaasError('Unavailable', 'The map ended');
      const record = await readJson<MapRecord>(this.bucket, out);
      if (record) return { 'polyfaas.map': 1, index: task.index, launch: record.launch, value: record.value };
      const failure = await readJson<MapFailureRecord>(this.bucket, fail);
      if (failure) throw new PolyfaasError(asCode(failure.code), failure.message);
      await new Promise((ok) => this.later(this.o.pollMs, () => ok(undefined)));
    }
  }

  private async succeeded(state: ItemState, launch: number, started: number, reply: MapReply): Promise<void> {
    state.running.delete(launch);
    if (state.outcome) return;
    this.durations.push(performance.now() - started);
    let value = reply.value;
    if (reply.stored) {
      try {
        const record = await readJson<MapRecord>(this.bucket, resultKey(this.o.prefix, state.base.id, state.index));
        if (!record) throw new PolyfaasError('DataLoss', `Item ${state.index}: its result is not in the bucket`);
        value = record.value;
      } catch (err) {
        this.failed(state, launch, err);
        return;
      }
    }
    this.settle(state, { ok: true, value, launches: state.launches });
  }

  private failed(state: ItemState, launch: number, err: unknown): void {
    state.running.delete(launch);
    if (state.outcome) return;
    state.failures++;
    // A sibling launch (a backup or the original) is still running: it decides.
    if (state.running.size > 0) return;
    const error = toPolyfaasError(err, `Item ${state.index} failed`);
    if (PERMANENT.has(error.code) || state.failures > this.o.retries) {
      this.settle(state, { ok: false, error: itemError(error, state), launches: state.launches });
      return;
    }
    const backoff = this.o.backoffMs * 2 ** (state.failures - 1) * (0.5 + Math.random());
    this.later(backoff, () => {
      if (!state.outcome && !this.stop.signal.aborted) this.launch(state);
    });
  }

  private settle(state: ItemState, outcome: MapItem<unknown>): void {
    if (state.outcome) return;
    state.outcome = outcome;
    this.settledCount++;
    this.inFlight--;
    if (this.settledCount === this.states.length) this.end();
    else this.pump();
  }

  /** A launch far beyond the median of the finished ones gets one backup; the first to commit wins. */
  private checkStragglers(): void {
    const s = this.o.stragglers;
    if (!s || this.durations.length < s.minSamples) return;
    const threshold = Math.max(s.minMs, s.factor * median(this.durations));
    const now = performance.now();
    for (const state of this.states.slice(0, this.next)) {
      if (state.outcome || state.backedUp || state.running.size !== 1) continue;
      const [started] = state.running.values();
      if (now - (started as number) > threshold) {
        state.backedUp = true;
        this.launch(state);
      }
    }
  }

  private failAll(code: ErrorCode, message: string): void {
    for (const state of this.states) {
      if (!state.outcome) this.settle(state, { ok: false, error: itemError(new PolyfaasError(code, message), state), launches: state.launches });
    }
  }

  private end(): void {
    this.stop.abort();
    if (this.checker) clearInterval(this.checker);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.finish();
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, Math.min(ms, 2 ** 31 - 1));
    this.timers.add(timer);
  }
}

function itemError(error: PolyfaasError, state: ItemState): PolyfaasError {
  return new PolyfaasError(error.code, error.message, { cause: error, details: { ...(error.details ?? {}), index: state.index, launches: state.launches } });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function asCode(code: string): ErrorCode {
  return (ErrorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'Internal';
}

/** A JSON object from the bucket, or undefined when absent. */
export async function readJson<T>(bucket: Bucket, key: string): Promise<T | undefined> {
  try {
    const object = await bucket.get(key);
    return JSON.parse(new TextDecoder().decode(object.body)) as T;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
}
