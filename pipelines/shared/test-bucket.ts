import { Readable } from 'node:stream';
import type { Bucket, ObjectInfo } from '../../src/index.js';
import type { BucketDriver, DriverPutOptions } from '../../src/adapter.js';
import { PolyfaasError, readAll } from '../../src/index.js';
import { createBucket } from '../../src/adapter.js';

/**
 * For the pipelines' tests only: a bucket in a Map, built on the core's portable
 * wrapper (pipelines may not import adapters), recording every successful write.
 */
export function createTestBucket(name = 'test'): { bucket: Bucket; writes: string[] } {
  const objects = new Map<string, { body: Uint8Array; info: ObjectInfo }>();
  const writes: string[] = [];
  let version = 0;
  const find = (key: string) => {
    const found = objects.get(key);
    if (!found) throw new PolyfaasError('NotFound', `no object ${key}`);
    return found;
  };
  const driver: BucketDriver = {
    name: `test://${name}`,
    get: async (key) => ({ ...find(key).info, body: find(key).body.slice() }),
    getStream: async (key) => ({ ...find(key).info, body: Readable.from([Buffer.from(find(key).body)]) }),
    head: async (key) => find(key).info,
    async put(key, body, options: DriverPutOptions) {
      const bytes = body instanceof Uint8Array ? body.slice() : await readAll(body);
      const current = objects.get(key);
      if (options.ifNoneMatch === '*' && current) throw new PolyfaasError('PreconditionFailed', `${key} exists`);
      if (options.ifMatch !== undefined && current?.info.etag !== options.ifMatch) throw new PolyfaasError('PreconditionFailed', `${key} changed`);
      const info: ObjectInfo = { key, size: bytes.length, etag: `v${++version}`, contentType: options.contentType, metadata: { ...options.metadata }, lastModified: new Date() };
      objects.set(key, { body: bytes, info });
      writes.push(key);
      return info;
    },
    async listPage({ prefix, pageSize, cursor }) {
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && (!cursor || k > cursor)).sort();
      const page = keys.slice(0, pageSize);
      return { objects: page.map((k) => find(k).info), ...(keys.length > page.length ? { cursor: page[page.length - 1] } : {}) };
    },
    delete: async (key) => void objects.delete(key),
  };
  return { bucket: createBucket(driver), writes };
}
