import type { Bucket, ObjectInfo } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';

/**
 * `put` with `ifNoneMatch: '*'`, treating "already there" as success.
 * @returns the new object's info, or `undefined` if the key already existed.
 */
export async function putIfAbsent(
  bucket: Bucket,
  key: string,
  body: Uint8Array | string,
  options: { contentType: string; metadata?: Record<string, string> },
): Promise<ObjectInfo | undefined> {
  try {
    return await bucket.put(key, body, { ...options, ifNoneMatch: '*' });
  } catch (err) {
    if (isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) return undefined;
    throw err;
  }
}
