import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { PolyfaasError } from '../../../src/index.js';
import { assertSecureEndpoint, DriverBucket, lazy, registerBucketScheme } from '../../../src/adapter.js';
import { S3Driver } from './s3-driver.js';
import type { LazyS3Client, S3TransportOptions } from './s3-sdk.js';
import { assertSecureS3Client, lazyS3Client } from './s3-sdk.js';

/**
 * Options for {@link S3Bucket}. Every endpoint, configured or that of a given
 * client, must be `https://` (plain HTTP only to loopback or with
 * `allowInsecureEndpoint`), checked before the first request.
 */
export interface S3BucketOptions extends S3TransportOptions {
  /**
   * A client to share (connection reuse across buckets), or a function that
   * makes one on first use. Default: a client built from the environment.
   */
  client?: S3Client | LazyS3Client;
  /**
   * Settings for the client built when `client` is absent (region, endpoint,
   * credentials…). That client, and the AWS SDK itself, load on the first S3
   * call, not at construction.
   */
  clientConfig?: S3ClientConfig;
}

/** Where an `s3://` URL points. */
export interface S3Location {
  bucket: string;
  /** Key prefix, empty or ending in `/`. */
  prefix: string;
}

/**
 * Parse `s3://bucket/some/prefix` into bucket and prefix (a trailing `/` is added).
 *
 * @example
 * ```ts
 * parseS3Url('s3://my-bucket/fashion'); // { bucket: 'my-bucket', prefix: 'fashion/' }
 * ```
 */
export function parseS3Url(url: string | URL): S3Location {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 's3:' || !parsed.hostname) throw new PolyfaasError('InvalidArgument', `Not an s3:// bucket URL: ${String(url)}`);
  const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
  return { bucket: parsed.hostname, prefix: path && !path.endsWith('/') ? `${path}/` : path };
}

/**
 * An Amazon S3 bucket (or a prefix of one) behind the portable {@link Bucket}
 * interface. Streams are uploaded in 8 MiB parts (never buffered whole),
 * `ifNoneMatch: '*'` / `ifMatch` become S3 conditional writes (412 →
 * `PreconditionFailed`), user metadata is S3 user metadata.
 *
 * Listings report size, etag and date; content type and metadata come from `head`.
 *
 * @example
 * ```ts
 * const bucket = new S3Bucket('s3://my-bucket/fashion');
 * await bucket.put('raw/1.png', png, { contentType: 'image/png' });  // s3://my-bucket/fashion/raw/1.png
 * ```
 */
export class S3Bucket extends DriverBucket {
  /** The bucket and key prefix this instance reads and writes. */
  readonly location: S3Location;

  constructor(url: string | URL, options: S3BucketOptions = {}) {
    const location = parseS3Url(url);
    const given = options.client;
    const transport = { allowInsecureEndpoint: options.allowInsecureEndpoint ?? false };
    if (typeof options.clientConfig?.endpoint === 'string') assertSecureEndpoint(options.clientConfig.endpoint, 'S3 endpoint', transport);
    const made = typeof given === 'function' ? given : given ? () => Promise.resolve(given) : lazyS3Client(options.clientConfig, transport);
    const client = lazy(async () => assertSecureS3Client(await made(), transport));
    super(new S3Driver(`s3://${location.bucket}/${location.prefix}`, client, location.bucket, location.prefix));
    this.location = location;
  }

}

/**
 * Let `openBucket('s3://bucket/prefix')` open an {@link S3Bucket}. Buckets
 * opened this way share one client. An `?endpoint=http://host:port` query
 * points at an S3-compatible server (path-style requests), e.g. for local tests.
 *
 * @example
 * ```ts
 * import { registerSchemes } from 'polyfaas/aws';
 * registerSchemes();
 * const bucket = await openBucket('s3://my-bucket/fashion');
 * ```
 */
export function registerSchemes(options: S3BucketOptions = {}): void {
  const clients = new Map<string, LazyS3Client>();
  registerBucketScheme('s3', (url) => {
    const transport = { allowInsecureEndpoint: options.allowInsecureEndpoint ?? false };
    if (options.client) return new S3Bucket(url, { client: options.client, ...transport });
    const endpoint = url.searchParams.get('endpoint') ?? '';
    if (endpoint) assertSecureEndpoint(endpoint, 'S3 endpoint', transport);
    let client = clients.get(endpoint);
    if (!client) {
      client = lazyS3Client({ ...options.clientConfig, ...(endpoint ? { endpoint } : {}) }, transport);
      clients.set(endpoint, client);
    }
    return new S3Bucket(url, { client, ...transport });
  });
}
