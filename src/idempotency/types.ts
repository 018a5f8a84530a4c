import type { Context } from '../context.js';
import type { KeyValueStore } from '../kv/types.js';

/**
 * Make a function idempotent (see `FunctionSpec.idempotency`): duplicates of
 * an event or request, by key, get the first invocation's stored result
 * instead of running the handler again.
 *
 * @example
 * ```ts
 * defineFunction({
 *   name: 'charge',
 *   trigger: { type: 'http', method: 'POST', path: '/charges' },
 *   idempotency: { store: 'idem', expiresAfterMs: 24 * 3_600_000 },
 *   handler: async (req) => json(await charge(req.json()), 201),
 * });
 * ```
 */
export interface IdempotencyOptions<E = never> {
  /** The store holding the records: a name from `defineApp({ stores })`, or a store already open. */
  readonly store: string | KeyValueStore;
  /**
   * The idempotency key of an event; `undefined` runs the handler without
   * idempotency (unless {@link required}). Default: the `Idempotency-Key`
   * header of an HTTP POST, else the event's `id` (kept across redeliveries).
   */
  readonly key?: (event: E) => string | undefined;
  /**
   * The part of the event that must match for a duplicate to replay (hashed,
   * SHA-256). Default: method, path, query and body of a request; queue and
   * body of a message (attributes differ between deliveries on some platforms); kind, bucket, key and etag of a storage event.
   */
  readonly payload?: (event: E) => unknown;
  /** How long a completed result is replayed, in ms. Default 1 hour. */
  readonly expiresAfterMs?: number;
  /** Refuse (`InvalidArgument`) events with no key instead of running them unguarded. Default false. */
  readonly required?: boolean;
}

/** What an idempotent invocation knows about its own record (`ctx.idempotency`). */
export interface IdempotencyInfo {
  /** The idempotency key. */
  readonly key: string;
  /**
   * Grows by one every time a holder takes over an expired lease. Pass it to
   * the systems your side effect writes to, so they can refuse a write from
   * an older holder that is still running (a fencing token).
   */
  readonly fencingToken: number;
}

/** The handler an idempotent wrapper guards. */
export type GuardedHandler = (event: unknown, ctx: Context<unknown>) => unknown;
