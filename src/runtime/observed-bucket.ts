import type { StorageEvent } from '../events/storage.js';
import { createStorageEvent } from '../events/storage.js';
import type { Bucket } from '../storage/types.js';

/**
 * Wrap a bucket so successful writes and deletes emit {@link StorageEvent}s,
 * the way S3, GCS and Blob Storage notify functions in the cloud.
 * Deleting a missing key emits nothing, since nothing changed.
 */
export function observeBucket(logicalName: string, bucket: Bucket, emit: (event: StorageEvent) => void): Bucket {
  const source = `polyfaas://buckets/${logicalName}`;
  const getFilling = bucket.getFilling?.bind(bucket);
  return {
    name: bucket.name,
    // What the bucket can do for wrappers stays visible through this one.
    ...(getFilling ? { getFilling } : {}),
    ...(bucket.streamedPutsOverlap ? { streamedPutsOverlap: true } : {}),
    get: (key) => bucket.get(key),
    getStream: (key) => bucket.getStream(key),
    head: (key) => bucket.head(key),
    exists: (key) => bucket.exists(key),
    list: (options) => bucket.list(options),
    listPage: (options) => bucket.listPage(options),
    async put(key, body, options) {
      const info = await bucket.put(key, body, options);
      emit(createStorageEvent({ kind: 'created', bucket: logicalName, key, size: info.size, etag: info.etag, source, time: info.lastModified }));
      return info;
    },
    async delete(key) {
      const existed = await bucket.exists(key);
      await bucket.delete(key);
      if (existed) emit(createStorageEvent({ kind: 'deleted', bucket: logicalName, key, source }));
    },
  };
}
