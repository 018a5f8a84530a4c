import type { Context, InitContext } from './context.js';
import type { KeyEncryptionKey, Keyring } from './crypto/key-encryption-key.js';
import type { AuthOptions, FunctionAuth } from './auth/types.js';
import { checkEffectiveAuth, effectiveAuth, validateAuth } from './auth/policy.js';
import { PolyfaasError } from './errors.js';
import { parseCron } from './runtime/cron.js';
import type { HttpMethod, HttpRequest, HttpResponse } from './events/http.js';
import type { MessageEvent } from './events/message.js';
import type { ScheduleEvent } from './events/schedule.js';
import type { StorageEvent, StorageEventType } from './events/storage.js';
import type { KeyValueStore } from './kv/types.js';
import type { IdempotencyOptions } from './idempotency/types.js';
import { validateIdempotency } from './idempotency/validate.js';
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
  /**
   * Who may call this HTTP function: fields override the app's `auth` one by
   * one, `'public'` opts out of it. Checked before the handler runs.
   */
  readonly auth?: FunctionAuth;
  /**
   * Run at most once per idempotency key: duplicates (redeliveries, client
   * retries with the same `Idempotency-Key`) get the stored result. See {@link IdempotencyOptions}.
   */
  readonly idempotency?: IdempotencyOptions<EventFor<NoInfer<T>>>;
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
export type AnyFunction = Omit<FunctionSpec<Trigger, unknown>, 'handler' | 'init' | 'idempotency'> & {
  readonly kind: 'polyfaas.function';
  readonly idempotency?: IdempotencyOptions;
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
 * Function, app and bucket names become cloud resource names, bundle
 * directories and `POLYFAAS_BUCKET_<NAME>` variables: only portable ones pass
 * (a string, not just something whose `String()` matches, so `undefined` is refused).
 */
function isPortableName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/** A name for an error message: quoted if it is a string; anything else is only said not to be one. */
function quoted(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name) : '(missing or not a string)';
}

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
  if (!isPortableName(spec.name)) {
    throw new PolyfaasError('InvalidArgument', `Function name ${quoted(spec.name)} must match ${NAME} (portable on every cloud)`);
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
  if (spec.auth !== undefined) {
    // Events come from the platform, not from callers: only HTTP has someone to authenticate.
    if (spec.trigger.type !== 'http') throw new PolyfaasError('InvalidArgument', `${spec.name}: auth applies to HTTP functions only`);
    validateAuth(spec.auth, spec.name);
  }
  if (spec.idempotency !== undefined) validateIdempotency(spec.name, spec.idempotency);
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
  /**
   * Logical name → the keys that encrypt that bucket at rest (see `encryptedBucket`).
   * Applied to whatever the binding resolves to, overrides included, so a
   * deployment cannot drop it by rebinding the bucket.
   */
  readonly encryption?: Readonly<Record<string, Keyring | KeyEncryptionKey>>;
  /** Who may call the app's HTTP functions, unless a function says otherwise. */
  readonly auth?: AuthOptions;
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
  encryption?: Record<string, Keyring | KeyEncryptionKey>;
  /** The default `auth` of every HTTP function (see {@link FunctionSpec.auth}). */
  auth?: AuthOptions;
  stores?: Record<string, StoreBinding>;
}): AppDefinition {
  const buckets = spec.buckets ?? {};
  const stores = spec.stores ?? {};
  for (const name of Object.keys(spec.encryption ?? {})) {
    if (!Object.hasOwn(buckets, name)) throw new PolyfaasError('InvalidArgument', `encryption names bucket "${name}", which the app does not declare`);
  }
  if (spec.auth !== undefined) validateAuth(spec.auth, `App ${spec.name ?? 'app'}`);
  // The app name names bundle directories and cloud resources; an unchecked one could be `../..`.
  if (spec.name !== undefined && !isPortableName(spec.name)) {
    throw new PolyfaasError('InvalidArgument', `App name ${quoted(spec.name)} must match ${NAME} (portable on every cloud)`);
  }
  for (const bucket of Object.keys(buckets)) {
    if (!isPortableName(bucket)) {
      throw new PolyfaasError('InvalidArgument', `Bucket name ${JSON.stringify(bucket)} must match ${NAME} (it is bound with POLYFAAS_BUCKET_<NAME>)`);
    }
  }
  const names = new Set<string>();
  const routes = new Set<string>();
  for (const fn of spec.functions) {
    if (names.has(fn.name)) throw new PolyfaasError('InvalidArgument', `Two functions are named "${fn.name}"`);
    names.add(fn.name);
    const t = fn.trigger as Trigger;
    if (t.type === 'http') {
      checkEffectiveAuth(effectiveAuth(spec.auth, fn.auth), fn.name);
      const route = `${t.method} ${t.path.replace(/:[^/]+/g, ':')}`;
      if (routes.has(route)) throw new PolyfaasError('InvalidArgument', `Two functions route ${t.method} ${t.path}`);
      routes.add(route);
    }
    const idem = fn.idempotency?.store;
    if (typeof idem === 'string' && !Object.hasOwn(stores, idem)) {
      throw new PolyfaasError('InvalidArgument', `${fn.name} keeps idempotency records in store "${idem}", which the app does not declare`);
    }
    // Own keys only: `in` would find "toString" and "constructor" on every object.
    if (t.type === 'storage' && !Object.hasOwn(buckets, t.bucket)) {
      throw new PolyfaasError('InvalidArgument', `${fn.name} triggers on bucket "${t.bucket}", which the app does not declare`);
    }
  }
  return Object.freeze({
    kind: 'polyfaas.app' as const,
    name: spec.name ?? 'app',
    functions: [...spec.functions],
    buckets,
    stores,
    ...(spec.encryption ? { encryption: { ...spec.encryption } } : {}),
    ...(spec.auth === undefined ? {} : { auth: spec.auth }),
  });
}
