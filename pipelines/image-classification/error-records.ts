import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { putIfAbsent } from './shards.js';

/** The JSON stored under the errors prefix for an image that could not be used. */
export interface ErrorRecord {
  readonly key: string;
  readonly etag: string;
  readonly code: string;
  readonly reason: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Errors that mean "this image is unusable", as opposed to the bucket or the
 * platform failing: only these are recorded and skipped, the rest propagate
 * so the event is retried.
 */
export function isImageError(err: unknown): err is PolyfaasError {
  return err instanceof PolyfaasError && ['InvalidArgument', 'PayloadTooLarge', 'UnsupportedMediaType'].includes(err.code);
}

/** Build the record for an image error. */
export function toErrorRecord(key: string, etag: string, err: PolyfaasError): ErrorRecord {
  const reason = typeof err.details?.reason === 'string' ? err.details.reason : err.code;
  return { key, etag, code: err.code, reason, message: err.message, ...(err.details ? { details: err.details } : {}) };
}

/** Store an error record once (keys derive from key + etag, so a redelivery writes nothing). */
export async function writeErrorRecord(bucket: Bucket, recordKey: string, record: ErrorRecord): Promise<boolean> {
  const written = await putIfAbsent(bucket, recordKey, `${JSON.stringify(record, null, 2)}\n`, { contentType: 'application/json' });
  return written !== undefined;
}
