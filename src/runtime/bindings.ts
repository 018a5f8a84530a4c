import { PolyfaasError } from '../errors.js';
import type { AppDefinition, BucketBinding } from '../function.js';

/** Environment variables that bind a logical bucket: `POLYFAAS_BUCKET_<NAME>`. */
export const BUCKET_ENV_PREFIX = 'POLYFAAS_BUCKET_';

/**
 * Bucket bindings from the environment: `POLYFAAS_BUCKET_DATA=s3://my-bucket/fashion/`
 * binds the logical bucket `data`. Names are upper-cased with `-` as `_`. This is
 * how one app definition points at different storage per deployment.
 *
 * @example
 * ```ts
 * bucketBindingsFromEnv(app, { POLYFAAS_BUCKET_DATA: 'gs://prod-bucket' }); // { data: 'gs://prod-bucket' }
 * ```
 */
export function bucketBindingsFromEnv(app: AppDefinition, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(app.buckets)) {
    const value = env[bucketEnvName(name)];
    if (value) out[name] = value;
  }
  return out;
}

/** The environment variable that binds a logical bucket. */
export function bucketEnvName(logical: string): string {
  return `${BUCKET_ENV_PREFIX}${logical.toUpperCase().replace(/-/g, '_')}`;
}

/** Where a cloud object lives, as a provider event reports it. */
export interface ProviderObjectRef {
  /** URL scheme of the provider's buckets: `s3`, `gs`, `azblob`. */
  scheme: string;
  /** The provider's bucket / container name. */
  bucket: string;
  /** The provider's object key / blob name. */
  key: string;
}

/**
 * Map a provider object back to the app's logical bucket and key, using the
 * bindings: `s3://raw-bucket/fashion/` + `fashion/a.png` → `{ bucket: 'data', key: 'a.png' }`.
 * Returns undefined when no binding covers the object (the event is not for this app).
 */
export function resolveProviderObject(
  bindings: Readonly<Record<string, BucketBinding>>,
  ref: ProviderObjectRef,
): { bucket: string; key: string } | undefined {
  for (const [logical, binding] of Object.entries(bindings)) {
    if (typeof binding !== 'string') continue;
    let url: URL;
    try {
      url = new URL(binding);
    } catch (err) {
      throw new PolyfaasError('InvalidArgument', `Bucket binding for "${logical}" is not a URL: ${binding}`, { cause: err });
    }
    if (url.protocol.replace(/:$/, '') !== ref.scheme || url.hostname !== ref.bucket) continue;
    const prefix = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!ref.key.startsWith(prefix)) continue;
    return { bucket: logical, key: ref.key.slice(prefix.length) };
  }
  return undefined;
}
