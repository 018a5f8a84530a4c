import type {
  AppDefinition,
  BucketBinding,
  Bucket,
  HttpRequest,
  HttpRequestInit,
  Logger,
  LogRecord,
  StorageEvent,
  StoreBinding,
} from '../../src/index.js';
import type { DeadLetter, DeliveryOptions, HttpResult, WarmupResult } from '../../src/adapter.js';
import { createHttpRequest, createLogger, createMessageEvent, createScheduleEvent } from '../../src/index.js';
import { AppRuntime, EventDelivery, observeBucket, responseToResult, WARMUP_EVENT } from '../../src/adapter.js';
import { MemoryBucket } from './memory-bucket.js';
import { MemoryKeyValueStore } from './memory-kv.js';

/** Options for {@link createMemoryRuntime}. */
export interface MemoryRuntimeOptions extends DeliveryOptions {
  /**
   * Bucket bindings. By default every bucket the app declares by URL is
   * replaced with a fresh {@link MemoryBucket}, so unit tests never touch disk.
   */
  buckets?: Record<string, BucketBinding>;
  /** Key-value store bindings. By default every store declared by URL is a fresh {@link MemoryKeyValueStore}. */
  stores?: Record<string, StoreBinding>;
  /** Logger; by default records are kept in `runtime.logs` and not printed. */
  log?: Logger;
}

/** An app running in process. */
export interface MemoryRuntime {
  /** Send an HTTP request through routing, limits and error mapping, as a gateway would. */
  http(request: HttpRequestInit | HttpRequest): Promise<HttpResult>;
  /** Call one function directly with a neutral event; resolves to its result, rejects with its error. */
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Publish a message to every function triggered by `queue`. */
  send(queue: string, body: string | Uint8Array, attributes?: Record<string, string>): void;
  /** Fire a schedule-triggered function now. */
  tick(name: string): void;
  /** Answer a warm-up ping for a function (runs `init` if needed, never the handler). */
  warmup(name: string): Promise<WarmupResult>;
  /** A logical bucket; writes to it fire storage triggers. */
  bucket(name: string): Bucket;
  /** Wait until every triggered invocation (and anything they triggered) has settled. */
  idle(): Promise<void>;
  /** Events that failed every retry. */
  readonly deadLetters: readonly DeadLetter[];
  /** Log records, when no logger was given. */
  readonly logs: readonly LogRecord[];
}

/**
 * Run an app in process for unit tests: HTTP, direct invocation, storage
 * triggers fired asynchronously on bucket writes, queues, schedules, retries,
 * dead letters and optional duplicate delivery.
 *
 * @example
 * ```ts
 * const rt = await createMemoryRuntime(app, { deliverTwice: true });
 * await rt.bucket('data').put('raw/1.png', png);
 * await rt.idle();
 * expect(rt.deadLetters).toEqual([]);
 * ```
 */
export async function createMemoryRuntime(app: AppDefinition, options: MemoryRuntimeOptions = {}): Promise<MemoryRuntime> {
  const logs: LogRecord[] = [];
  const log = options.log ?? createLogger({ level: 'debug', sink: (r) => logs.push(r), fields: { app: app.name } });
  // Events only flow after create() returns, so `rt` is always set when delivery runs.
  const delivery = new EventDelivery(log, options, () => rt);
  const buckets: Record<string, BucketBinding> = {};
  for (const [name, binding] of Object.entries(app.buckets)) {
    buckets[name] = typeof binding === 'string' ? new MemoryBucket(name) : binding;
  }
  Object.assign(buckets, options.buckets ?? {});
  const stores: Record<string, StoreBinding> = {};
  for (const [name, binding] of Object.entries(app.stores ?? {})) stores[name] = typeof binding === 'string' ? new MemoryKeyValueStore(name) : binding;
  Object.assign(stores, options.stores ?? {});
  const emit = (event: StorageEvent) => void delivery.publish(event);
  const rt: AppRuntime = await AppRuntime.create(app, {
    provider: 'memory',
    log,
    buckets,
    stores,
    wrapBucket: (name, bucket) => observeBucket(name, bucket, emit),
  });

  return {
    async http(request) {
      const req = 'text' in request ? request : createHttpRequest(request);
      return responseToResult(await rt.handleHttp(req), { method: req.method, requestId: req.id, log: rt.log });
    },
    async invoke(name, event) {
      const outcome = await rt.handleEvent({ polyfaas: 'invoke', function: name, event });
      return outcome.status === 'handled' ? outcome.results[0]?.value : undefined;
    },
    send(queue, body, attributes = {}) {
      delivery.publish(createMessageEvent({ queue, body, attributes }));
    },
    tick(name) {
      const trigger = rt.instance(name).fn.trigger;
      delivery.publish(createScheduleEvent({ cron: trigger.type === 'schedule' ? trigger.cron : '' }), { function: name });
    },
    async warmup(name) {
      const outcome = await rt.handleEvent(WARMUP_EVENT, { function: name });
      return (outcome as Extract<typeof outcome, { status: 'warmed' }>).results[0] as WarmupResult;
    },
    bucket: (name) => rt.bucket(name),
    idle: () => delivery.idle(),
    deadLetters: delivery.deadLetters,
    logs,
  };
}
