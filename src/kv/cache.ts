import type { KeyValueStore, KvValue } from './types.js';

// One map of flights per store object: "per instance" single-flight, shared by every caller in this process.
const flights = new WeakMap<KeyValueStore, Map<string, Promise<unknown>>>();

/**
 * The value cached at `key`, or `compute()`'s result stored there for
 * `ttlMs`. Single-flight per instance: concurrent misses for the same store
 * and key share one lookup and one `compute`. A failed `compute` is not
 * cached: every waiter gets its error and the next call computes again.
 * Store errors propagate (a cache outage is the caller's to handle).
 *
 * @example
 * ```ts
 * const meta = await cached(ctx.kv('cache'), `model-meta/${name}`, 60_000, () => loadMetadata(name));
 * ```
 */
export function cached<T extends KvValue>(store: KeyValueStore, key: string, ttlMs: number, compute: () => Promise<T> | T): Promise<T> {
  let byKey = flights.get(store);
  if (!byKey) flights.set(store, (byKey = new Map()));
  const inFlight = byKey.get(key);
  if (inFlight) return inFlight as Promise<T>;
  const flight = lookup(store, key, ttlMs, compute).finally(() => byKey.delete(key));
  byKey.set(key, flight);
  return flight;
}

async function lookup<T extends KvValue>(store: KeyValueStore, key: string, ttlMs: number, compute: () => Promise<T> | T): Promise<T> {
  const hit = await store.get<T>(key);
  if (hit) return hit.value;
  const value = await compute();
  await store.put(key, value, { ttlMs });
  return value;
}
