import { PolyfaasError } from '../errors.js';
import { openBucket } from '../storage/url.js';
import { BucketKeyValueStore } from './bucket-store.js';
import type { KeyValueStore } from './types.js';

/** Opens a key-value store for one URL scheme. */
export type KeyValueOpener = (url: URL) => KeyValueStore | Promise<KeyValueStore>;

/** `bucket+<bucket URL>` opens a {@link BucketKeyValueStore} over that bucket, for every registered bucket scheme. */
export const BUCKET_KV_PREFIX = 'bucket+';

const openers = new Map<string, KeyValueOpener>();

/**
 * Make `openKeyValueStore` understand a URL scheme. Adapters export a
 * function that calls this (their `registerSchemes()`); nothing registers on import.
 *
 * @example
 * ```ts
 * registerKeyValueScheme('mem', (url) => new MemoryKeyValueStore(url.hostname));
 * ```
 */
export function registerKeyValueScheme(scheme: string, opener: KeyValueOpener): void {
  const name = normaliseScheme(scheme);
  if (name.startsWith(BUCKET_KV_PREFIX)) throw new PolyfaasError('InvalidArgument', `"${BUCKET_KV_PREFIX}" schemes are built in`);
  openers.set(name, opener);
}

/** The schemes `openKeyValueStore` currently understands (besides `bucket+…`). */
export function registeredKeyValueSchemes(): string[] {
  return [...openers.keys()].sort();
}

/**
 * Open a key-value store by URL: `mem://name`, `file:///abs/dir` (polyfaas/local),
 * `redis://host:port` (polyfaas/redis), `dynamodb://table` (polyfaas/aws),
 * `aztable://table` (polyfaas/azure), once their adapters registered them;
 * and `bucket+<any bucket URL>` (`bucket+s3://b/state`, `bucket+gs://b`),
 * which stores entries as objects in that bucket.
 *
 * @example
 * ```ts
 * import { registerSchemes } from 'polyfaas/redis';
 * registerSchemes();
 * const kv = await openKeyValueStore('redis://localhost:6379');
 * ```
 */
export async function openKeyValueStore(url: string | URL): Promise<KeyValueStore> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'Not a key-value store URL', { cause: err });
  }
  const scheme = normaliseScheme(parsed.protocol);
  if (scheme.startsWith(BUCKET_KV_PREFIX)) {
    const bucket = await openBucket(parsed.href.slice(BUCKET_KV_PREFIX.length));
    return new BucketKeyValueStore(bucket);
  }
  const opener = openers.get(scheme);
  if (!opener) {
    const known = registeredKeyValueSchemes().join(', ') || 'none';
    throw new PolyfaasError(
      'InvalidArgument',
      `No key-value driver registered for "${scheme}://" (registered: ${known}). Call the adapter's registerSchemes() first.`,
    );
  }
  return opener(parsed);
}

function normaliseScheme(scheme: string): string {
  return scheme.replace(/:$/, '').toLowerCase();
}
