import type * as ClientS3 from '@aws-sdk/client-s3';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { assertSecureEndpoint, lazy } from '../../../src/adapter.js';

/** The two AWS SDK packages the S3 driver uses. */
export interface S3Sdk {
  s3: typeof ClientS3;
  storage: typeof LibStorage;
}


/**
 * Load the AWS SDK on first use rather than at import. The SDK is ~600 KB of
 * a function bundle; a function that serves a model from `file://` (EFS, a
 * layer) or never touches a bucket should not parse and evaluate it during
 * its cold start. `polyfaas bundle` splits dynamic imports into their own
 * chunk files, so the code is not even read until an S3 call needs it.
 */
export const loadS3Sdk: () => Promise<S3Sdk> = lazy(() =>
  Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([s3, storage]) => ({ s3, storage })),
);

/**
 * Client settings every polyfaas S3 client gets. Checksums only when S3
 * requires them: with the SDK's default (`WHEN_SUPPORTED`) streamed uploads
 * use aws-chunked framing, which S3-compatible servers (s3rver, MinIO in some
 * modes) store verbatim; S3 itself accepts both.
 */
export const S3_CLIENT_DEFAULTS: S3ClientConfig = {
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
};

/** Transport settings of the clients polyfaas builds or is given. */
export interface S3TransportOptions {
  /** Accept a plain `http://` endpoint on a host other than loopback (an emulator). Default false: TLS only. */
  allowInsecureEndpoint?: boolean;
}

/**
 * Build an S3 client (loading the SDK if needed): `AWS_REGION` and credentials
 * come from the environment as usual; an explicit `endpoint` (S3-compatible
 * servers, tests) implies path-style URLs and must be TLS (see {@link assertSecureEndpoint}).
 */
export async function createS3Client(config: S3ClientConfig = {}, transport: S3TransportOptions = {}): Promise<S3Client> {
  const { s3 } = await loadS3Sdk();
  if (typeof config.endpoint === 'string') assertSecureEndpoint(config.endpoint, 'S3 endpoint', transport);
  return assertSecureS3Client(
    new s3.S3Client({
    ...S3_CLIENT_DEFAULTS,
    ...(config.endpoint ? { forcePathStyle: true } : {}),
    region: config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...config,
    }),
    transport,
  );
}

/**
 * Check the endpoint a client will really call (whatever form it was configured
 * in): a custom one must be TLS; without one the SDK resolves an `https://` AWS endpoint.
 */
export async function assertSecureS3Client(client: S3Client, transport: S3TransportOptions = {}): Promise<S3Client> {
  const endpoint = await client.config.endpoint?.();
  if (endpoint) {
    const port = endpoint.port ? `:${endpoint.port}` : '';
    assertSecureEndpoint(`${endpoint.protocol}//${endpoint.hostname}${port}`, 'S3 endpoint', transport);
  }
  return client;
}

/** A client made on first use (what `registerSchemes` shares between the buckets it opens). */
export type LazyS3Client = () => Promise<S3Client>;

/** A client made on the first S3 call and shared by every caller after that. */
export function lazyS3Client(config: S3ClientConfig = {}, transport: S3TransportOptions = {}): LazyS3Client {
  return lazy(() => createS3Client(config, transport));
}
