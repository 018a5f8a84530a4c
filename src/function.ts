import type { Context, InitContext } from './context.js';
import { PolyfaasError } from './errors.js';
import { parseCron } from './runtime/cron.js';
import type { HttpMethod, HttpRequest, HttpResponse } from './events/http.js';
import type { MessageEvent } from './events/message.js';
import type { ScheduleEvent } from './events/schedule.js';
import type { StorageEvent, StorageEventType } from './events/storage.js';
import type { KeyValueStore } from './kv/types.js';
import type { Bucket } from './storage/types.js';

/** Run on an HTTP request. `path` may hold `:params` (`/models/:name`). */
export interface HttpTrigger {
  readonly type: 'http';
  readonly method: HttpMethod | '*';
  readonly path: string;
}

/** Run when objects change in one of the app's buckets. */
export interface StorageTrigger {
  readonly type: 'storage';
  /** Logical bucket name, a key of `defineApp({ buckets })`. */
  readonly bucket: string;
  readonly prefix?: string;
  readonly suffix?: string;
  /** Default `['created']`. */
  readonly events?: readonly StorageEventType[];
}

/** Run for each message on a named queue. */
export interface QueueTrigger {
  readonly type: 'queue';
  readonly queue: string;
}

/** Run on a cron schedule (5 fields, UTC). */
export interface ScheduleTrigger {
  readonly type: 'schedule';
  readonly cron: string;
}

/** What starts a function. */
export type Trigger = HttpTrigger | StorageTrigger | QueueTrigger | ScheduleTrigger;

/** The neutral event a trigger delivers. */
export type EventFor<T extends Trigger> = T extends HttpTrigger
  ? HttpRequest
  : T extends StorageTrigger
    ? StorageEvent
    : T extends QueueTrigger
      ? MessageEvent
      : ScheduleEvent;

/** What a handler for a trigger returns (HTTP handlers return a response). */
export type ResultFor<T extends Trigger> = T extends HttpTrigger ? HttpResponse : unknown;

/** Everything that describes one function. */
export interface FunctionSpec<T extends Trigger = Trigger, S = undefined> {
  /** Unique within the app; letters, digits and `-`, as every cloud accepts. */
  readonly name: string;
  readonly trigger: T;
  readonly handler: (event: EventFor<NoInfer<T>>, ctx: Context<NoInfer<S>>) => Promise<ResultFor<NoInfer<T>>> | ResultFor<NoInfer<T>>;
  /**
   * Runs once per instance before the first event (and before answering a
   * warm-up ping). Preload models here; the value becomes `ctx.state`.
   * A failed init is retried on the next event rather than poisoning the instance.
   */
  readonly init?: (ctx: InitContext) => Promise<S> | S;
  /** Wall-clock limit per invocation. Default 60 s. */
  readonly timeoutMs?: number;
  /** Largest HTTP body accepted; bigger gets 413. Default 6 MiB (the Lambda limit). */
  readonly maxBodyBytes?: number;
  /** Retries after a failed event-triggered invocation (not HTTP). Default 2. */
  readonly retries?: number;
  /** Memory hint for deployers, in MiB. */
  readonly memoryMb?: number;
}

/** A function ready to be grouped into an app. */
export type FunctionDefinition<T extends Trigger = Trigger, S = unknown> = FunctionSpec<T, S> & {
  readonly kind: 'polyfaas.function';
};

/**
 * Any function, whatever its trigger. Parameters are erased to `never` so that
 * functions with different event types fit in one app; runtimes dispatch by
 * `trigger.type`, which guarantees the right event reaches each handler.
 */
export type AnyFunction = Omit<FunctionSpec<Trigger, unknown>, 'handler' | 'init'> & {
  readonly kind: 'polyfaas.function';
  readonly handler: (event: never, ctx: never) => unknown;
  readonly init?: (ctx: InitContext) => unknown;
};

/** Default per-invocation time limit. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default largest HTTP body. */
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Default retries for event-triggered functions. */
export const DEFAULT_RETRIES = 2;

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Define a function once; every adapter runs it unchanged.
 *
 * @example
 * ```ts
 * export const hello = defineFunction({
 *   name: 'hello',
 *   trigger: { type: 'http', method: 'GET', path: '/hello/:who' },
 *   handler: async (req) => json({ hello: req.params.who }),
 * });
 * ```
 */
export function defineFunction<const T extends Trigger, S = undefined>(spec: FunctionSpec<T, S>): FunctionDefinition<T, S> {
  if (!NAME.test(spec.name)) {
    throw new PolyfaasError('InvalidArgument', `Function name "${spec.name}" must match ${NAME} (portable on every cloud)`);
  }
  validateTrigger(spec.name, spec.trigger);
  for (const field of ['timeoutMs', 'maxBodyBytes', 'memoryMb'] as const) {
    const value = spec[field];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new PolyfaasError('InvalidArgument', `${spec.name}: ${field} must be a positive number`);
    }
  }
  if (spec.retries !== undefined && !(Number.isInteger(spec.retries) && spec.retries >= 0)) {
    throw new PolyfaasError('InvalidArgument', `${spec.name}: retries must be a non-negative integer`);
  }
  return Object.freeze({ ...spec, kind: 'polyfaas.function' as const });
}

function validateTrigger(name: string, trigger: Trigger): void {
  switch (trigger.type) {
    case 'http':
      if (!trigger.path.startsWith('/')) throw new PolyfaasError('InvalidArgument', `${name}: HTTP path must start with /`);
      return;
    case 'storage':
      if (!trigger.bucket) throw new PolyfaasError('InvalidArgument', `${name}: storage trigger needs a bucket`);
      return;
    case 'queue':
      if (!trigger.queue) throw new PolyfaasError('InvalidArgument', `${name}: queue trigger needs a queue`);
      return;
    case 'schedule':
      try {
        parseCron(trigger.cron);
      } catch (err) {
        throw new PolyfaasError('InvalidArgument', `${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      return;
    default:
      throw new PolyfaasError('InvalidArgument', `${name}: unknown trigger ${JSON.stringify(trigger)}`);
  }
}

/** Where an app's logical bucket lives: a URL for `openBucket`, or a bucket already open. */
export type BucketBinding = string | Bucket;

/** Where an app's logical key-value store lives: a URL for `openKeyValueStore`, or a store already open. */
export type StoreBinding = string | KeyValueStore;

/** A group of functions and the buckets and key-value stores they share. */
export interface AppDefinition {
  readonly kind: 'polyfaas.app';
  readonly name: string;
  readonly functions: readonly AnyFunction[];
  /** Logical name → binding. Adapters may override bindings per environment. */
  readonly buckets: Readonly<Record<string, BucketBinding>>;
  /** Logical name → key-value store binding; handlers reach them with `ctx.kv(name)`. */
  readonly stores: Readonly<Record<string, StoreBinding>>;
}

/**
 * Group functions, buckets and key-value stores into an app. Checks names are unique, HTTP routes
 * do not collide and every storage trigger names a declared bucket.
 *
 * @example
 * ```ts
 * export const app = defineApp({
 *   name: 'fashion',
 *   functions: [preprocess, train, predict],
 *   buckets: { data: 'file:///var/fashion' },
 *   stores: { sessions: 'redis://cache:6379' },
 * });
 * ```
 */
export function defineApp(spec: {
  name?: string;
  functions: readonly AnyFunction[];
  buckets?: Record<string, BucketBinding>;
  stores?: Record<string, StoreBinding>;
}): AppDefinition {
  const buckets = spec.buckets ?? {};
  const stores = spec.stores ?? {};
  const names = new Set<string>();
  const routes = new Set<string>();
  for (const fn of spec.functions) {
    if (names.has(fn.name)) throw new PolyfaasError('InvalidArgument', `Two functions are named "${fn.name}"`);
    names.add(fn.name);
    const t = fn.trigger as Trigger;
    if (t.type === 'http') {
      const route = `${t.method} ${t.path.replace(/:[^/]+/g, ':')}`;
      if (routes.has(route)) throw new PolyfaasError('InvalidArgument', `Two functions route ${t.method} ${t.path}`);
      routes.add(route);
    }
    if (t.type === 'storage' && !(t.bucket in buckets)) {
      throw new PolyfaasError('InvalidArgument', `${fn.name} triggers on bucket "${t.bucket}", which the app does not declare`);
    }
  }
  return Object.freeze({ kind: 'polyfaas.app' as const, name: spec.name ?? 'app', functions: [...spec.functions], buckets, stores });
}
