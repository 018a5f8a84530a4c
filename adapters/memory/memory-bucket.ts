import type { Bucket } from '../../src/index.js';
import { DriverBucket, registerBucketScheme } from '../../src/adapter.js';
import { MemoryDriver } from './memory-driver.js';
import { registerKeyValueSchemes } from './memory-kv.js';

/**
 * A bucket held in process memory, for unit tests. Same behaviour and errors as
 * every other driver: it runs the same conformance suite.
 *
 * @example
 * ```ts
 * const bucket = new MemoryBucket('test');
 * await bucket.put('a.txt', 'hello');
 * ```
 */
export class MemoryBucket extends DriverBucket {
  /** `get`, then one call back with the whole body in (see `Bucket.getFilling`). */
  declare readonly getFilling: NonNullable<Bucket['getFilling']>;

  constructor(name = 'memory') {
    super(new MemoryDriver(`mem://${name}`));
  }

}

const named = new Map<string, MemoryBucket>();

/**
 * Let `openBucket('mem://name')` and `openKeyValueStore('mem://name')` work.
 * The same name opens the same bucket (or store) within a process, as a real URL would.
 */
export function registerSchemes(): void {
  registerKeyValueSchemes();
  registerBucketScheme('mem', (url) => {
    const name = url.hostname + url.pathname.replace(/\/$/, '');
    let bucket = named.get(name);
    if (!bucket) named.set(name, (bucket = new MemoryBucket(name)));
    return bucket;
  });
}
