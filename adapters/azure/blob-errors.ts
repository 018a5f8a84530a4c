import type { ErrorCode } from '../../src/index.js';

/** The parts of an `@azure/storage-blob` `RestError` we branch on. */
interface AzureRestErrorLike {
  statusCode?: number;
  code?: string;
  details?: { errorCode?: string };
}

/** The Blob service's error code (`BlobNotFound`, `ConditionNotMet`, ...), if any. */
export function azureErrorCode(err: unknown): string | undefined {
  const e = err as AzureRestErrorLike | undefined;
  return e?.details?.errorCode ?? e?.code;
}

/** The HTTP status of a Blob service error, if any. */
export function azureStatus(err: unknown): number | undefined {
  return (err as AzureRestErrorLike | undefined)?.statusCode;
}

/**
 * Map Blob service failures to neutral codes. 409 and 412 on writes are
 * conditional-write losses (`BlobAlreadyExists`, `ConditionNotMet`), which the
 * driver reports as `PreconditionFailed` before this runs.
 */
export function classifyAzureError(err: unknown): ErrorCode | undefined {
  const status = azureStatus(err);
  const code = azureErrorCode(err);
  if (status === 404 || code === 'BlobNotFound' || code === 'ContainerNotFound') return 'NotFound';
  if (status === 412 || code === 'ConditionNotMet') return 'PreconditionFailed';
  if (status === 409) return 'AlreadyExists';
  if (status === 400) return 'InvalidArgument';
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 413) return 'PayloadTooLarge';
  if (status === 429) return 'ResourceExhausted';
  if (status === 408 || status === 504) return 'DeadlineExceeded';
  if (status === 500 || status === 502 || status === 503) return 'Unavailable';
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'AbortError') return 'DeadlineExceeded';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ENOTFOUND') return 'Unavailable';
  return undefined;
}
