import type { Storage as GcsClient, StorageOptions } from '@google-cloud/storage';
import { PolyfaasError } from '../../src/index.js';
import { assertSecureEndpoint, DriverBucket, lazy, registerBucketScheme } from '../../src/adapter.js';
import { GcsDriver } from './gcs-driver.js';

/** Options for {@link GcsBucket}. */
export interface GcsBucketOptions {
  /** Keys live under this prefix (a trailing `/` is added if missing). */
  prefix?: string;
  /**
   * A client to share, or options for a new one (e.g. `{ apiEndpoint }` for a
   * stand-in server). A new client, and `@google-cloud/storage` itself, load on
   * the first GCS call, not at construction: a function that never touches the
   * bucket never parses the SDK.
   */
  storage?: GcsClient | StorageOptions | LazyStorage;
  /** Bodies from this size up (and all streams) use resumable uploads. Default 8 MiB. */
  resumableThresholdBytes?: number;
  /**
   * Accept a plain `http://` API endpoint (`apiEndpoint` or `STORAGE_EMULATOR_HOST`)
   * on a host other than loopback, e.g. an emulator. Default false: the endpoint
   * the client will call is checked before the first request and must be TLS.
   */
  allowInsecureEndpoint?: boolean;
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
    const client = lazyStorage(options.storage ?? {}, options.allowInsecureEndpoint ?? false);
    const driver = new GcsDriver(`gs://${bucketName}/${prefix}`, async () => (await client()).bucket(bucketName), prefix, options.resumableThresholdBytes);
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
export function registerSchemes(storage: GcsClient | StorageOptions = {}, transport: { allowInsecureEndpoint?: boolean } = {}): void {
  const client = lazyStorage(storage, transport.allowInsecureEndpoint ?? false);
  registerBucketScheme('gs', (url) => {
    if (!url.hostname) throw new PolyfaasError('InvalidArgument', `A gs:// URL needs a bucket name: ${url.href}`);
    return new GcsBucket(url.hostname, { prefix: decodeURIComponent(url.pathname), storage: client });
  });
}

/** A client made on first use (what {@link registerSchemes} shares between the buckets it opens). */
export type LazyStorage = () => Promise<GcsClient>;

function isClient(value: unknown): value is GcsClient {
  return typeof (value as GcsClient | undefined)?.bucket === 'function';
}

/**
 * One client per call site, created on the first GCS call, whose endpoint (as
 * the client resolved it, emulator variable included) is checked to be TLS first.
 */
function lazyStorage(storage: GcsClient | StorageOptions | LazyStorage, allowInsecureEndpoint: boolean): LazyStorage {
  if (!isClient(storage) && typeof storage !== 'function' && storage.apiEndpoint) assertGcsEndpoint(storage.apiEndpoint, allowInsecureEndpoint);
  const make: LazyStorage =
    typeof storage === 'function'
      ? storage
      : isClient(storage)
        ? () => Promise.resolve(storage)
        : async () => new (await import('@google-cloud/storage')).Storage(storage);
  return lazy(async () => {
    const client = await make();
    assertGcsEndpoint(client.apiEndpoint, allowInsecureEndpoint);
    return client;
  });
}

function assertGcsEndpoint(endpoint: string, allowInsecureEndpoint: boolean): void {
  // The client accepts a bare host (as in STORAGE_EMULATOR_HOST) and then speaks HTTPS.
  assertSecureEndpoint(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`, 'Cloud Storage endpoint', { allowInsecureEndpoint });
}
