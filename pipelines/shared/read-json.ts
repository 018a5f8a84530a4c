import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';

/** A JSON object, or `undefined` when the key does not exist. */
export async function readJsonIfExists<T>(bucket: Bucket, key: string): Promise<T | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode((await bucket.get(key)).body)) as T;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
}
