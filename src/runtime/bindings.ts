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

/** Environment variables that bind a logical key-value store: `POLYFAAS_STORE_<NAME>`. */
export const STORE_ENV_PREFIX = 'POLYFAAS_STORE_';

/**
 * Key-value store bindings from the environment, as {@link bucketBindingsFromEnv}
 * does for buckets: `POLYFAAS_STORE_SESSIONS=redis://prod-cache:6379` binds `sessions`.
 * `AppRuntime.create` applies them over the app's own bindings.
 */
export function storeBindingsFromEnv(app: AppDefinition, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(app.stores ?? {})) {
    const value = env[`${STORE_ENV_PREFIX}${name.toUpperCase().replace(/-/g, '_')}`];
    if (value) out[name] = value;
  }
  return out;
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
 *
 * A binding's path is a folder, as every bucket driver stores it: `s3://bkt/pre`
 * means the prefix `pre/`, so `pre/x.png` is the key `x.png` and
 * `prefix-other/z.png` is not the app's at all. When bindings overlap, the
 * longest prefix wins. Every cloud adapter maps its events through here.
 */
export function resolveProviderObject(
  bindings: Readonly<Record<string, BucketBinding>>,
  ref: ProviderObjectRef,
): { bucket: string; key: string } | undefined {
  let best: { bucket: string; key: string; prefix: string } | undefined;
  for (const [logical, binding] of Object.entries(bindings)) {
    if (typeof binding !== 'string') continue;
    const location = bindingLocation(logical, binding);
    if (location.scheme !== ref.scheme.toLowerCase() || location.bucket !== ref.bucket) continue;
    if (!ref.key.startsWith(location.prefix)) continue;
    if (!best || location.prefix.length > best.prefix.length) {
      best = { bucket: logical, key: ref.key.slice(location.prefix.length), prefix: location.prefix };
    }
  }
  return best && { bucket: best.bucket, key: best.key };
}

/** Scheme, bucket and folder prefix (empty or ending in `/`) of a binding URL. */
export function bindingLocation(logical: string, binding: string): { scheme: string; bucket: string; prefix: string } {
  let url: URL;
  try {
    url = new URL(binding);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Bucket binding for "${logical}" is not a URL: ${binding}`, { cause: err });
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Bucket binding for "${logical}" has a malformed path: ${binding}`, { cause: err });
  }
  const trimmed = path.replace(/^\/+/, '');
  const prefix = trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
  return { scheme: url.protocol.replace(/:$/, '').toLowerCase(), bucket: url.hostname, prefix };
}
