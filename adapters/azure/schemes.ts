import type { AzureBlobBucketOptions } from './blob-bucket.js';
import { registerSchemes as registerBucketSchemes } from './blob-bucket.js';
import { registerKeyValueSchemes } from './table-kv.js';

/**
 * Let `openBucket('azblob://container/prefix')` open an AzureBlobBucket and
 * `openKeyValueStore('aztable://table')` an AzureTableKeyValueStore. The
 * account comes from `options` or `AZURE_STORAGE_CONNECTION_STRING`, read
 * when a bucket or store opens. `registerAzure` calls this for you.
 *
 * @example
 * ```ts
 * registerSchemes();
 * const bucket = await openBucket('azblob://fashion/prod');
 * const kv = await openKeyValueStore('aztable://state');
 * ```
 */
export function registerSchemes(options: Omit<AzureBlobBucketOptions, 'container' | 'prefix'> = {}): void {
  registerBucketSchemes(options);
  registerKeyValueSchemes(options.connectionString ? { connectionString: options.connectionString } : {});
}
