import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { PolyfaasError } from '../../src/index.js';

/**
 * The one directory under a file bucket's root that polyfaas owns. Sidecar
 * metadata, lock files and in-flight temp files all live here, so they share
 * the objects' file system (rename stays atomic) yet never appear as objects.
 */
export const RESERVED_DIR = '.polyfaas';

/**
 * True if any segment of `key` is {@link RESERVED_DIR}. Such keys are rejected
 * rather than escaped. Checking every segment, not only the first, keeps a
 * bucket rooted inside another bucket's directory from exposing the inner
 * bucket's metadata as objects of the outer one.
 */
export function isReservedKey(key: string): boolean {
  return key.split('/').includes(RESERVED_DIR);
}

/** Throw `InvalidArgument` for keys a file bucket keeps for itself. */
export function assertUserKey(key: string): void {
  if (isReservedKey(key)) {
    throw new PolyfaasError('InvalidArgument', `Invalid key ${key.slice(0, 200)}: segments named "${RESERVED_DIR}" are reserved by file buckets for metadata`, {
      details: { key: key.slice(0, 200) },
    });
  }
}

/**
 * Where everything for one key lives on disk:
 *
 * ```
 * <root>/<key>                                  the object's bytes, at its key path
 * <root>/.polyfaas/meta/<h[0:2]>/<h>.json       sidecar metadata, h = sha256(key)
 * <root>/.polyfaas/locks/<h>.lock               cross-process write lock; a put
 *                                               publishes its file as the new sidecar
 * <root>/.polyfaas/tmp/<unique>                 bodies and sidecars being written
 * ```
 *
 * Sidecars are named by hash rather than mirroring key paths so that a key whose
 * last segment is near the 255-byte name limit still fits, and so that the
 * `a` vs `a/b` file/directory clash cannot happen a second time in the meta tree.
 */
export class FileLayout {
  readonly reservedDir: string;
  readonly tmpDir: string;
  readonly metaDir: string;
  readonly lockDir: string;

  constructor(readonly root: string) {
    this.reservedDir = path.join(root, RESERVED_DIR);
    this.tmpDir = path.join(this.reservedDir, 'tmp');
    this.metaDir = path.join(this.reservedDir, 'meta');
    this.lockDir = path.join(this.reservedDir, 'locks');
  }

  objectPath(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  /** The directories (relative to the root, one segment each) holding `key`'s bytes: `a/b/c` → `['a', 'b']`. */
  objectDirs(key: string): string[] {
    return key.split('/').slice(0, -1);
  }

  metaPath(key: string): string {
    const h = hashKey(key);
    return path.join(this.metaDir, h.slice(0, 2), `${h}.json`);
  }

  /** The directories (relative to the root) holding `key`'s sidecar. */
  metaDirs(key: string): string[] {
    return [RESERVED_DIR, 'meta', hashKey(key).slice(0, 2)];
  }

  /** The directories (relative to the root) holding lock files. */
  readonly lockDirs: readonly string[] = [RESERVED_DIR, 'locks'];

  /** The directories (relative to the root) holding temp files. */
  readonly tmpDirs: readonly string[] = [RESERVED_DIR, 'tmp'];

  lockPath(key: string): string {
    return path.join(this.lockDir, `${hashKey(key)}.lock`);
  }

  /** A fresh, unique path in the temp dir (unique across processes and hosts sharing the dir). */
  tempPath(label: string): string {
    return path.join(this.tmpDir, `${label}-${process.pid}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
