import type { Bucket, BucketObject, BucketObjectStream, ListOptions, ListPage, ListPageOptions, ObjectInfo, PutBody, PutOptions } from '../../src/index.js';
import { createBucket, registerBucketScheme } from '../../src/index.js';
import { MemoryDriver } from './memory-driver.js';

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
export class MemoryBucket implements Bucket {
  private readonly inner: Bucket;

  constructor(name = 'memory') {
    this.inner = createBucket(new MemoryDriver(`mem://${name}`));
  }

  get name(): string {
    return this.inner.name;
  }
  get(key: string): Promise<BucketObject> {
    return this.inner.get(key);
  }
  getStream(key: string): Promise<BucketObjectStream> {
    return this.inner.getStream(key);
  }
  put(key: string, body: PutBody, options?: PutOptions): Promise<ObjectInfo> {
    return this.inner.put(key, body, options);
  }
  head(key: string): Promise<ObjectInfo> {
    return this.inner.head(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(options?: ListOptions): AsyncIterable<ObjectInfo> {
    return this.inner.list(options);
  }
  listPage(options?: ListPageOptions): Promise<ListPage> {
    return this.inner.listPage(options);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

const named = new Map<string, MemoryBucket>();

/**
 * Let `openBucket('mem://name')` work. The same name opens the same bucket
 * within a process, as a real bucket URL would.
 */
export function registerSchemes(): void {
  registerBucketScheme('mem', (url) => {
    const name = url.hostname + url.pathname.replace(/\/$/, '');
    let bucket = named.get(name);
    if (!bucket) named.set(name, (bucket = new MemoryBucket(name)));
    return bucket;
  });
}
