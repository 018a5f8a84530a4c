import { PolyfaasError } from '../errors.js';

/** S3, GCS and Azure all cap keys near 1 KiB; the strictest common limit wins. */
export const MAX_KEY_BYTES = 1024;

/**
 * Throw `InvalidArgument` unless `key` is safe on every provider and on a file system.
 *
 * Rejected: empty keys, absolute paths (`/a`), `.` or `..` segments, empty
 * segments (`a//b`), backslashes, NUL and other control characters, keys
 * that are not well-formed UTF-16 (a lone surrogate such as `\ud800` has no
 * UTF-8 encoding, so each provider and file system would store a different,
 * lossy replacement and `a/\ud800` and `a/\udfff` could name one object), and
 * keys longer than {@link MAX_KEY_BYTES} bytes of UTF-8.
 *
 * @example
 * ```ts
 * validateKey('images/cat.png');   // ok
 * validateKey('../etc/passwd');    // throws PolyfaasError { code: 'InvalidArgument' }
 * ```
 */
export function validateKey(key: unknown): asserts key is string {
  const reason = keyProblem(key);
  if (reason) {
    throw new PolyfaasError('InvalidArgument', `Invalid storage key ${JSON.stringify(key)}: ${reason}`, {
      details: { key: typeof key === 'string' ? key.slice(0, 200) : String(key), reason },
    });
  }
}

/**
 * Like {@link validateKey} but for a listing prefix, which may be empty, end
 * with `/`, or end part-way through a segment (`images/ca`, `.`): only the
 * segments it completes must be valid. The whole prefix must be well-formed
 * UTF-16 (no lone surrogate, not even a trailing high one: no provider can
 * match a prefix it cannot encode).
 */
export function validatePrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') return;
  if (typeof prefix !== 'string') return validateKey(prefix);
  const last = prefix.slice(prefix.lastIndexOf('/') + 1);
  // A trailing partial segment that is empty, "." or ".." is checked with a harmless stand-in
  // completion; any other prefix is checked as it is, so a full-length key is also a valid prefix.
  validateKey(last === '' || last === '.' || last === '..' ? `${prefix}x` : prefix);
}

/** With the `u` flag a paired surrogate is one code point, so only lone ones match `\p{Cs}`. */
const LONE_SURROGATE = /\p{Cs}/u;

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'key must be a string';
  if (key.length === 0) return 'key is empty';
  // Before the byte count: Buffer.byteLength silently counts a lone surrogate as U+FFFD.
  if (LONE_SURROGATE.test(key)) return 'key is not well-formed UTF-16 (it contains a lone surrogate)';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `key is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'key is an absolute path';
  if (key.includes('\\')) return 'key contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'key contains a control character';
  // A lone surrogate has no UTF-8 form: file names and cloud keys would replace it, merging distinct keys.
  if (LONE_SURROGATE.test(key)) return 'key is not well-formed Unicode (a lone surrogate)';
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.') return `key contains a "${segment}" segment`;
    if (segment === '') return 'key contains an empty segment';
  }
  return undefined;
}

const METADATA_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Throw `InvalidArgument` unless metadata is portable (lower-case keys, printable ASCII values, ≤ 2 KiB total). */
export function validateMetadata(metadata: Record<string, string>): void {
  let total = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(name)) {
      throw new PolyfaasError('InvalidArgument', `Invalid metadata key ${JSON.stringify(name)}: use a-z, 0-9 and -`);
    }
    if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
      throw new PolyfaasError('InvalidArgument', `Metadata ${name} must be printable ASCII`);
    }
    total += name.length + value.length;
  }
  if (total > 2048) throw new PolyfaasError('InvalidArgument', 'Metadata is larger than 2 KiB');
}
