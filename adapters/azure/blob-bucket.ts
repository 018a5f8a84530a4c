import type { BlobServiceClient } from '@azure/storage-blob';
import { PolyfaasError } from '../../src/index.js';
import { assertSecureEndpoint, DriverBucket, lazy, registerBucketScheme } from '../../src/adapter.js';
import { AzureBlobDriver } from './blob-driver.js';

/** The environment variable holding the storage account connection string. */
export const CONNECTION_STRING_ENV = 'AZURE_STORAGE_CONNECTION_STRING';

/** Options for {@link AzureBlobBucket}. */
export interface AzureBlobBucketOptions {
  /** Container name. */
  container: string;
  /** Blob-name prefix the bucket lives under (`fashion/`); keys are relative to it. */
  prefix?: string;
  /** Account connection string. Default: `AZURE_STORAGE_CONNECTION_STRING`. */
  connectionString?: string;
  /** A ready client (managed identity, SAS...); wins over `connectionString`. */
  serviceClient?: BlobServiceClient;
  /**
   * Accept a plain `http://` blob endpoint on a host other than loopback (an
   * emulator such as Azurite on another host). Default false: the endpoint the
   * client calls is checked before the first request and must be TLS.
   */
  allowInsecureEndpoint?: boolean;
}

/**
 * A container (or a prefix in one) of Azure Blob Storage as a polyfaas
 * {@link Bucket}. Large bodies and streams upload as staged blocks committed
 * at once; `ifNoneMatch: '*'` and `ifMatch` use the service's conditional
 * headers, so racing writers are decided by Azure, not by the client.
 *
 * @example
 * ```ts
 * const bucket = new AzureBlobBucket({ container: 'fashion', prefix: 'prod/' });
 * await bucket.put('raw/a.png', png, { contentType: 'image/png', ifNoneMatch: '*' });
 * ```
 */
export class AzureBlobBucket extends DriverBucket {
  /** The container this bucket writes to. */
  readonly container: string;
  /** The blob-name prefix of every key (empty or ending in `/`). */
  readonly prefix: string;

  constructor(options: AzureBlobBucketOptions) {
    const prefix = normalisePrefix(options.prefix ?? '');
    const service = lazyService(options.serviceClient, options.connectionString ?? process.env[CONNECTION_STRING_ENV], options.allowInsecureEndpoint ?? false);
    super(new AzureBlobDriver(`azblob://${options.container}/${prefix}`, async () => (await service()).getContainerClient(options.container), prefix));
    this.container = options.container;
    this.prefix = prefix;
  }

}

/** `azblob://container/some/prefix` → `{ container, prefix: 'some/prefix/' }`. */
export function parseAzblobUrl(url: string | URL): { container: string; prefix: string } {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'azblob:' || !parsed.hostname) {
    throw new PolyfaasError('InvalidArgument', `Not an azblob://container/prefix URL: ${String(url)}`);
  }
  return { container: parsed.hostname, prefix: normalisePrefix(decodeURIComponent(parsed.pathname.replace(/^\//, ''))) };
}

function normalisePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * The service client, made on first use: `@azure/storage-blob` is imported then,
 * so a function that never touches Blob Storage never parses the SDK. A missing
 * connection string is still refused at construction; a malformed one on the
 * first call, with the same `InvalidArgument`.
 */
function lazyService(given: BlobServiceClient | undefined, connectionString: string | undefined, allowInsecureEndpoint: boolean): () => Promise<BlobServiceClient> {
  const checked = (client: BlobServiceClient): BlobServiceClient => {
    assertSecureEndpoint(client.url, 'Blob Storage endpoint', { allowInsecureEndpoint });
    return client;
  };
  if (given) return lazy(async () => checked(given));
  if (!connectionString) {
    throw new PolyfaasError('InvalidArgument', `Azure Blob Storage needs a connection string: set ${CONNECTION_STRING_ENV} or pass one`);
  }
  return lazy(async () => {
    const { BlobServiceClient: Client } = await import('@azure/storage-blob');
    let client: BlobServiceClient;
    try {
      client = Client.fromConnectionString(connectionString);
    } catch (err) {
      throw new PolyfaasError('InvalidArgument', `${CONNECTION_STRING_ENV} is not a valid connection string`, { cause: err });
    }
    return checked(client);
  });
}

/**
 * Let `openBucket('azblob://container/prefix')` work. The account comes from
 * `options` or `AZURE_STORAGE_CONNECTION_STRING`, read when a bucket opens.
 *
 * @example
 * ```ts
 * registerSchemes();
 * const bucket = await openBucket('azblob://fashion/prod');
 * ```
 */
export function registerSchemes(options: Omit<AzureBlobBucketOptions, 'container' | 'prefix'> = {}): void {
  registerBucketScheme('azblob', (url) => new AzureBlobBucket({ ...options, ...parseAzblobUrl(url) }));
}
