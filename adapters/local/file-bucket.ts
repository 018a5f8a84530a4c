import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PolyfaasError } from '../../src/index.js';
import type { Bucket } from '../../src/index.js';
import { DriverBucket, registerBucketScheme } from '../../src/adapter.js';
import { FileDriver } from './file-driver.js';

/** Options for {@link FileBucket}. */
export interface FileBucketOptions {
  /**
   * fsync every body, sidecar and directory change before a write returns, so
   * a committed object survives power loss. Default true. With false, writes
   * are still atomic against process crashes (rename is), and several times
   * faster: a good trade for tests and scratch data.
   *
   * @example
   * ```ts
   * const scratch = new FileBucket(tmpDir, { durable: false });
   * ```
   */
  durable?: boolean;
}

/**
 * A bucket stored in a directory: each object is a plain file at its key path,
 * so you can browse, copy or seed the data with ordinary tools. Files you drop
 * in by hand are objects too (content type `application/octet-stream`).
 *
 * Guarantees match the cloud drivers (it passes the same conformance suite):
 * - writes are atomic (temp file, fsync, rename): a crash or a failing body
 *   stream never leaves a half-written object;
 * - streamed bodies go straight to disk, never buffered whole;
 * - `ifNoneMatch: '*'` and `ifMatch` are race-free, also between processes
 *   sharing the directory; a writer killed while holding a key's lock does
 *   not stall the next writer (a dead holder on this host is seen at once).
 *
 * Confinement: no operation touches a path outside the root. Symbolic links
 * below the root (in a key's path or in `.polyfaas`) are never followed: such
 * keys answer `Forbidden`, and listings skip linked files and directories.
 * Error messages name keys only, never the root's path.
 *
 * Differences from object stores: keys with a `.polyfaas` segment are
 * rejected (`InvalidArgument`) because `<root>/.polyfaas/` holds metadata,
 * locks and temp files; and a key cannot also be a prefix of another key
 * (`a` and `a/b`), which fails with `AlreadyExists`. On case-insensitive file
 * systems (macOS, Windows) keys differing only in case are the same object.
 *
 * @example
 * ```ts
 * const bucket = new FileBucket('./data');
 * await bucket.put('images/cat.png', png, { contentType: 'image/png' });
 * const { body } = await bucket.get('images/cat.png');
 * for await (const obj of bucket.list({ prefix: 'images/' })) console.log(obj.key, obj.size);
 * ```
 */
export class FileBucket extends DriverBucket {
  /** Absolute path of the bucket's root directory (created on first write). */
  readonly root: string;
  /** `get` in 1 MiB reads, calling back as each is in while the next is read (see `Bucket.getFilling`). */
  declare readonly getFilling: NonNullable<Bucket['getFilling']>;
  /** A streamed put is the same temp file, hash and rename as a whole one, written chunk by chunk (see `Bucket.streamedPutsOverlap`). */
  readonly streamedPutsOverlap = true;

  /**
   * @param dir the root directory; relative paths resolve against the working directory.
   * @param options see {@link FileBucketOptions}.
   */
  constructor(dir: string, options: FileBucketOptions = {}) {
    const root = path.resolve(dir);
    super(new FileDriver(root, pathToFileURL(root).href, options.durable ?? true));
    this.root = root;
  }

}

/**
 * Let `openBucket('file:///abs/path')` open a {@link FileBucket}. Nothing is
 * registered on import; call this once at startup (`serve()` calls it for you).
 * Add `?durable=false` to skip fsync (see {@link FileBucketOptions.durable}).
 *
 * @example
 * ```ts
 * registerSchemes();
 * const bucket = await openBucket('file:///var/data/raw');
 * ```
 */
export function registerSchemes(): void {
  registerBucketScheme('file', (url) => {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (err) {
      throw new PolyfaasError('InvalidArgument', `Not a local file URL: ${url.href} (use file:///absolute/path)`, { cause: err });
    }
    return new FileBucket(dir, { durable: url.searchParams.get('durable') !== 'false' });
  });
}
