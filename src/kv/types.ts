import type { ErrorCode } from '../errors.js';

/** A value JSON can carry (what `JSON.parse` returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a key-value store holds: raw bytes, or anything JSON can carry. */
export type KvValue = Uint8Array | JsonValue;

/** One live entry. */
export interface KvEntry<V extends KvValue = KvValue> {
  readonly key: string;
  /** A `Uint8Array` if bytes were stored, else the JSON value. */
  readonly value: V;
  /** Opaque; changes on every write. Pass it as `ifVersion` for compare-and-swap. */
  readonly version: string;
  /** Epoch ms after which the entry is gone; absent without a TTL. */
  readonly expiresAt?: number;
}

/** Options for {@link KeyValueStore.put}. */
export interface KvPutOptions {
  /** Expire the entry this many ms from now (whole ms, at most {@link MAX_KV_TTL_MS}). */
  ttlMs?: number;
  /** Write only if no live entry exists, else `PreconditionFailed`. */
  ifAbsent?: boolean;
  /** Write only if the live entry has this version, else `PreconditionFailed` (compare-and-swap). */
  ifVersion?: string;
}

/** Options for {@link KeyValueStore.delete}. */
export interface KvDeleteOptions {
  /** Delete only if the live entry has this version, else `PreconditionFailed`. */
  ifVersion?: string;
}

/** Options for {@link KeyValueStore.increment}. */
export interface KvIncrementOptions {
  /** TTL of a counter this call creates; an existing counter keeps its expiry. */
  ttlMs?: number;
}

/** What a successful write returns. */
export interface KvWriteResult {
  readonly version: string;
  readonly expiresAt?: number;
}

/**
 * A small, portable key-value store: the state layer functions share.
 *
 * Every implementation sits behind the portable wrapper
 * ({@link createKeyValueStore}), so keys, value sizes, TTLs and error codes
 * behave the same on Redis, DynamoDB, Azure Tables, a bucket, a directory and
 * memory. There is no listing: not every backend can list by prefix without
 * scanning the whole keyspace.
 *
 * @example
 * ```ts
 * const kv = await openKeyValueStore('redis://cache:6379');
 * const { version } = await kv.put('session/42', { user: 'ada' }, { ttlMs: 3_600_000 });
 * await kv.put('session/42', { user: 'ada', cart: 3 }, { ifVersion: version }); // CAS
 * const hits = await kv.increment('hits/home');
 * ```
 */
export interface KeyValueStore {
  /** A human-readable name, e.g. the URL it was opened from (without credentials). */
  readonly name: string;
  /** The live entry at `key`, or `undefined` if absent or expired. */
  get<V extends KvValue = KvValue>(key: string): Promise<KvEntry<V> | undefined>;
  /** Write a value atomically; conditional with `ifAbsent` or `ifVersion`. */
  put(key: string, value: KvValue, options?: KvPutOptions): Promise<KvWriteResult>;
  /**
   * Remove an entry. Removing a missing entry succeeds, unless `ifVersion`
   * is given: then only that live version is removed, else `PreconditionFailed`.
   */
  delete(key: string, options?: KvDeleteOptions): Promise<void>;
  /**
   * Add `by` (default 1) to the integer at `key` atomically and return the new
   * value; a missing entry counts as 0. `InvalidArgument` if the entry is not
   * an integer or the result leaves the safe-integer range.
   */
  increment(key: string, by?: number, options?: KvIncrementOptions): Promise<number>;
  /** Release connections. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** A stored record as a driver sees it: the encoded value (see `encodeKvValue`). */
export interface KvRecord {
  readonly data: Uint8Array;
  readonly version: string;
  readonly expiresAt?: number;
}

/** `put` options after the wrapper validated them; `expiresAt` is absolute epoch ms. */
export interface DriverKvPutOptions {
  readonly expiresAt?: number;
  readonly ifAbsent?: boolean;
  readonly ifVersion?: string;
}

/**
 * The small interface a key-value backend implements. Keys arrive validated,
 * values encoded and size-checked; the wrapper turns errors into codes.
 *
 * Contract: an entry whose `expiresAt` has passed is absent for every
 * operation (`ifAbsent` may replace it, `ifVersion` never matches it), even
 * if the backend has not deleted it yet. Conditions fail with
 * `PolyfaasError('PreconditionFailed')`.
 */
export interface KeyValueDriver {
  readonly name: string;
  /** The record at `key` (the wrapper drops expired ones too). */
  get(key: string): Promise<KvRecord | undefined>;
  put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }>;
  delete(key: string, options: { ifVersion?: string }): Promise<void>;
  /**
   * Native atomic increment, if the backend has one. Without it the wrapper
   * increments by compare-and-swap, which is as safe but slower under contention.
   */
  increment?(key: string, by: number, options: { expiresAt?: number }): Promise<number>;
  close?(): Promise<void>;
  /** Map a provider error to a code (`undefined` → `Internal`). */
  classifyError?(err: unknown): ErrorCode | undefined;
}
