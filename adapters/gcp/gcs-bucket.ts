import type { Storage as GcsClient, StorageOptions } from '@google-cloud/storage';
import { Storage } from '@google-cloud/storage';
import { DriverBucket, PolyfaasError, registerBucketScheme } from '../../src/index.js';
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
export class GcsBucket extends DriverBucket {

  constructor(bucketName: string, options: GcsBucketOptions = {}) {
    const prefix = normalisePrefix(options.prefix ?? '');
    const client = options.storage instanceof Storage ? options.storage : new Storage(options.storage ?? {});
    const driver = new GcsDriver(`gs://${bucketName}/${prefix}`, client.bucket(bucketName), prefix, options.resumableThresholdBytes);
    super(driver);
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
