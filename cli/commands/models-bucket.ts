import { PolyfaasError } from '../../src/errors.js';
import type { Bucket } from '../../src/storage/types.js';
import { openBucket } from '../../src/storage/url.js';
import { requirePackages } from '../../bundling/entry/packages.js';

interface SchemeAdapter {
  /** Loads the adapter that registers the scheme; imported only when used. */
  load: () => Promise<{ registerSchemes: () => void }>;
  /** The SDKs that adapter needs. */
  packages: string[];
}

/** Which adapter registers each bucket URL scheme. */
const SCHEMES: Record<string, SchemeAdapter> = {
  file: { load: () => import('../../adapters/local/file-bucket.js'), packages: [] },
  s3: { load: () => import('../../adapters/aws/s3/s3-bucket.js'), packages: ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'] },
  gs: { load: () => import('../../adapters/gcp/gcs-bucket.js'), packages: ['@google-cloud/storage'] },
  azblob: { load: () => import('../../adapters/azure/blob-bucket.js'), packages: ['@azure/storage-blob'] },
};

/**
 * Open the bucket a `polyfaas models` command names: `file:///abs/dir`,
 * `s3://bucket`, `gs://bucket` or `azblob://container`, loading only the one
 * adapter (and SDK) that scheme needs.
 */
export async function openModelsBucket(url: string, command: string): Promise<Bucket> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const entry = scheme ? SCHEMES[scheme] : undefined;
  if (!entry) {
    throw new PolyfaasError('InvalidArgument', `${command}: <bucket-url> must start with ${Object.keys(SCHEMES).map((s) => `${s}://`).join(', ')}`);
  }
  requirePackages(command, entry.packages);
  (await entry.load()).registerSchemes();
  return openBucket(url);
}
