import { registerSchemes as registerBucketSchemes } from './file-bucket.js';
import { registerKeyValueSchemes } from './kv-dir.js';

/**
 * Let `openBucket('file:///abs/path')` open a FileBucket and
 * `openKeyValueStore('file:///abs/dir')` a FileKeyValueStore. Nothing is
 * registered on import; call this once at startup (`serve()` calls it for you).
 * Add `?durable=false` to skip fsync.
 */
export function registerSchemes(): void {
  registerBucketSchemes();
  registerKeyValueSchemes();
}
