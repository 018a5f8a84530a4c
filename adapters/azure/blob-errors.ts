import type { ErrorCode } from '../../src/index.js';
import { classifyRemoteError } from '../../src/adapter.js';

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
 * driver reports as `PreconditionFailed` before this runs. Only the Blob
 * service's own codes are listed here; statuses and network failures go
 * through the core table (`classifyRemoteError`), shared by every cloud.
 */
export function classifyAzureError(err: unknown): ErrorCode | undefined {
  const code = azureErrorCode(err);
  if (code === 'BlobNotFound' || code === 'ContainerNotFound') return 'NotFound';
  if (code === 'ConditionNotMet') return 'PreconditionFailed';
  return classifyRemoteError(err, azureStatus(err));
}
