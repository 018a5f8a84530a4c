import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3Client } from '@aws-sdk/client-s3';

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

/**
 * Build an S3 client: `AWS_REGION` and credentials come from the environment as
 * usual; an explicit `endpoint` (S3-compatible servers, tests) implies path-style URLs.
 */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({
    ...S3_CLIENT_DEFAULTS,
    ...(config.endpoint ? { forcePathStyle: true } : {}),
    region: config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...config,
  });
}
