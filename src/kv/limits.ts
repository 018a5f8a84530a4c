import { createHash } from 'node:crypto';
import { PolyfaasError } from '../errors.js';

/** Longest key, in bytes of UTF-8 (DynamoDB allows 2048; buckets 1024 — the stricter wins). */
export const MAX_KV_KEY_BYTES = 1024;
/**
 * Largest value once encoded (bytes as they are, JSON as UTF-8 text). 256 KiB
 * fits a DynamoDB item (400 KB) and an Azure Table entity (1 MiB, split over
 * 64 KiB properties) with room for the bookkeeping attributes.
 */
export const MAX_KV_VALUE_BYTES = 256 * 1024;
/** Longest TTL: 366 days. */
export const MAX_KV_TTL_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * Throw `InvalidArgument` unless `key` is a portable key-value key: a
 * non-empty string of at most {@link MAX_KV_KEY_BYTES} bytes of UTF-8 with no
 * control characters (C0, DEL or C1). Slashes, colons and dots are fine.
 *
 * @example
 * ```ts
 * validateKvKey('session:42/cart'); // ok
 * validateKvKey('');                // throws PolyfaasError { code: 'InvalidArgument' }
 * ```
 */
export function validateKvKey(key: unknown): asserts key is string {
  const reason = keyProblem(key);
  if (reason) {
    throw new PolyfaasError('InvalidArgument', `Invalid key-value key: ${reason}`, {
      details: { key: typeof key === 'string' ? key.slice(0, 200) : typeof key, reason },
    });
  }
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'key must be a string';
  if (key.length === 0) return 'key is empty';
  // A UTF-16 unit is at most 3 bytes of UTF-8: short keys need no byte count.
  if (key.length * 3 > MAX_KV_KEY_BYTES && Buffer.byteLength(key, 'utf8') > MAX_KV_KEY_BYTES) return `key is longer than ${MAX_KV_KEY_BYTES} bytes`;
  // One scan: control characters, and lone surrogates (no UTF-8 form: backends would store U+FFFD instead).
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u.exec(key);
  if (bad) return /\p{Cs}/u.test(bad[0]) ? 'key is not well-formed Unicode' : 'key contains a control character';
  return undefined;
}

/** Throw `InvalidArgument` unless `ttlMs` is a whole number of ms from 1 to {@link MAX_KV_TTL_MS}. */
export function validateTtl(ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_KV_TTL_MS) {
    throw new PolyfaasError('InvalidArgument', `ttlMs must be a whole number of ms from 1 to ${MAX_KV_TTL_MS}`);
  }
}

/**
 * A fixed-length, path- and table-safe name for a key (SHA-256, hex), for
 * backends whose names have stricter rules than keys do (file names, blob
 * names, Azure Table partition keys). One mechanism, so every such driver
 * maps a key the same way.
 */
export function kvKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
