import type { Storage as GcsClient, StorageOptions } from '@google-cloud/storage';
import { Storage } from '@google-cloud/storage';
import type { Bucket, BucketObject, BucketObjectStream, ListOptions, ListPage, ListPageOptions, ObjectInfo, PutBody, PutOptions } from '../../src/index.js';
import { createBucket, PolyfaasError, registerBucketScheme } from '../../src/index.js';
import { GcsDriver } from './gcs-driver.js';

/** Options for {@link GcsBucket}. */
export interface GcsBucketOptions {
  /** Keys live under this prefix (a trailing `/` is added if missing). */
  prefix?: string;
  /** A client to share, or options for a new one (e.g. `{ apiEndpoint }` for a stand-in server). */
  storage?: GcsClient | StorageOptions;
  /** Bodies from this size up (and all streams) use resumable uploads. Default 8 MiB. */
  resumableThresholdBytes?: number;
}

/**
 * A Google Cloud Storage bucket behind the portable {@link Bucket} interface:
 * streamed reads and writes, resumable uploads for large bodies, pagination,
 * and conditional writes on object generations (the etag).
 *
 * @example
 * ```ts
 * const bucket = new GcsBucket('my-bucket', { prefix: 'fashion/' });
 * const info = await bucket.put('models/latest.json', '{}', { contentType: 'application/json' });
 * await bucket.put('models/latest.json', '{"v":2}', { ifMatch: info.etag }); // compare-and-swap
 * ```
 */
export class GcsBucket implements Bucket {
  private readonly inner: Bucket;

  constructor(bucketName: string, options: GcsBucketOptions = {}) {
    const prefix = normalisePrefix(options.prefix ?? '');
    const client = options.storage instanceof Storage ? options.storage : new Storage(options.storage ?? {});
    const driver = new GcsDriver(`gs://${bucketName}/${prefix}`, client.bucket(bucketName), prefix, options.resumableThresholdBytes);
    this.inner = createBucket(driver);
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

/** `fashion` → `fashion/`; empty stays empty. Keys never start with `/`, so neither does a prefix. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * Let `openBucket('gs://bucket/prefix/')` open a {@link GcsBucket}. One client is
 * shared by every bucket opened this way. Pass `{ apiEndpoint }` to talk to a
 * stand-in or emulator (the client also honours `STORAGE_EMULATOR_HOST`).
 *
 * @example
 * ```ts
 * registerSchemes();
 * const bucket = await openBucket('gs://my-bucket/fashion/');
 * ```
 */
export function registerSchemes(storage: GcsClient | StorageOptions = {}): void {
  let client: GcsClient | undefined;
  registerBucketScheme('gs', (url) => {
    if (!url.hostname) throw new PolyfaasError('InvalidArgument', `A gs:// URL needs a bucket name: ${url.href}`);
    client ??= storage instanceof Storage ? storage : new Storage(storage);
    return new GcsBucket(url.hostname, { prefix: decodeURIComponent(url.pathname), storage: client });
  });
}
