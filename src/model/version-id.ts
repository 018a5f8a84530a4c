import { randomBytes } from 'node:crypto';
import { PolyfaasError } from '../errors.js';

/** `20261127T034512123Z-a1b2c3`: UTC time to the millisecond, then 6 random hex digits. */
const VERSION_ID = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;

/**
 * A new model version id that sorts by creation time as a plain string, e.g.
 * `20261127T034512123Z-a1b2c3`.
 *
 * The random suffix keeps two saves in the same millisecond (two trainers, one
 * bucket) from colliding; the store's `ifNoneMatch: '*'` writes make a
 * collision fail loudly rather than overwrite.
 *
 * @param now the creation time; defaults to the current time.
 */
export function newVersionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** True if `value` has the shape {@link newVersionId} produces. */
export function isVersionId(value: unknown): value is string {
  return typeof value === 'string' && VERSION_ID.test(value);
}

/** A model or alias name: one storage-key segment that is safe on every provider. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Throw `InvalidArgument` unless `value` can be a model or alias name: 1–128
 * characters of `A-Z a-z 0-9 . _ -`, not starting with `.`, `_` or `-`.
 * Names become key segments, so `/` would let one model read another's files.
 */
export function assertName(kind: 'model' | 'alias', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new PolyfaasError(
      'InvalidArgument',
      `Invalid ${kind} name ${JSON.stringify(value)}: use 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit`,
      { details: { [kind]: typeof value === 'string' ? value.slice(0, 200) : String(value) } },
    );
  }
}

/** Throw `InvalidArgument` unless `value` is a version id (see {@link newVersionId}). */
export function assertVersionId(value: unknown): asserts value is string {
  if (!isVersionId(value)) {
    throw new PolyfaasError('InvalidArgument', `Invalid model version ${JSON.stringify(value)}: expected e.g. 20261127T034512123Z-a1b2c3`, {
      details: { version: typeof value === 'string' ? value.slice(0, 200) : String(value) },
    });
  }
}
