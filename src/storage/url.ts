import { PolyfaasError } from '../errors.js';
import type { Bucket } from './types.js';

/** Opens a bucket for one URL scheme. */
export type BucketOpener = (url: URL) => Bucket | Promise<Bucket>;

const openers = new Map<string, BucketOpener>();

/**
 * Make `openBucket` understand a URL scheme. Adapters export a function that
 * calls this (e.g. `registerFileScheme()`); nothing registers on import.
 *
 * @example
 * ```ts
 * registerBucketScheme('mem', (url) => new MemoryBucket(url.hostname));
 * ```
 */
export function registerBucketScheme(scheme: string, opener: BucketOpener): void {
  openers.set(normaliseScheme(scheme), opener);
}

/** The schemes `openBucket` currently understands. */
export function registeredBucketSchemes(): string[] {
  return [...openers.keys()].sort();
}

/**
 * Open a bucket by URL: `mem://name`, `file:///abs/path`, and `s3://`, `gs://`,
 * `azblob://` once their adapters registered them.
 *
 * @example
 * ```ts
 * import { registerSchemes } from 'polyfaas/local';
 * registerSchemes();
 * const bucket = await openBucket('file:///var/data/raw');
 * ```
 */
export async function openBucket(url: string | URL): Promise<Bucket> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Not a bucket URL: ${String(url)}`, { cause: err });
  }
  const scheme = normaliseScheme(parsed.protocol);
  const opener = openers.get(scheme);
  if (!opener) {
    const known = registeredBucketSchemes().join(', ') || 'none';
    throw new PolyfaasError(
      'InvalidArgument',
      `No bucket driver registered for "${scheme}://" (registered: ${known}). Call the adapter's register function first.`,
    );
  }
  return opener(parsed);
}

function normaliseScheme(scheme: string): string {
  return scheme.replace(/:$/, '').toLowerCase();
}
