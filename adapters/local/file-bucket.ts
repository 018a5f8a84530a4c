import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bucket, BucketObject, BucketObjectStream, ListOptions, ListPage, ListPageOptions, ObjectInfo, PutBody, PutOptions } from '../../src/index.js';
import { createBucket, PolyfaasError, registerBucketScheme } from '../../src/index.js';
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
 *   sharing the directory.
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
export class FileBucket implements Bucket {
  /** Absolute path of the bucket's root directory (created on first write). */
  readonly root: string;
  private readonly inner: Bucket;

  /**
   * @param dir the root directory; relative paths resolve against the working directory.
   * @param options see {@link FileBucketOptions}.
   */
  constructor(dir: string, options: FileBucketOptions = {}) {
    this.root = path.resolve(dir);
    this.inner = createBucket(new FileDriver(this.root, pathToFileURL(this.root).href, options.durable ?? true));
  }

  /** `file:///abs/dir`, a URL `openBucket` accepts once {@link registerSchemes} ran. */
  get name(): string {
    return this.inner.name;
  }
  // Methods are async so that invalid arguments reject instead of throwing synchronously.
  async get(key: string): Promise<BucketObject> {
    return this.inner.get(key);
  }
  async getStream(key: string): Promise<BucketObjectStream> {
    return this.inner.getStream(key);
  }
  async put(key: string, body: PutBody, options?: PutOptions): Promise<ObjectInfo> {
    return this.inner.put(key, body, options);
  }
  async head(key: string): Promise<ObjectInfo> {
    return this.inner.head(key);
  }
  async exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(options?: ListOptions): AsyncIterable<ObjectInfo> {
    return this.inner.list(options);
  }
  async listPage(options?: ListPageOptions): Promise<ListPage> {
    return this.inner.listPage(options);
  }
  async delete(key: string): Promise<void> {
    return this.inner.delete(key);
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
