import type { ErrorCode } from '../../../src/index.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The HTTP status of an AWS SDK error, if it carries one. */
export function httpStatusOf(err: unknown): number | undefined {
  return (err as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Map an AWS SDK v3 error to a polyfaas code. Works for S3 and Lambda errors
 * alike: the SDK puts the service's error name in `name` and the HTTP status
 * in `$metadata`.
 */
export function classifyAwsError(err: unknown): ErrorCode | undefined {
  const e = err as SdkErrorShape | undefined;
  const name = e?.name ?? '';
  switch (name) {
    case 'NoSuchKey':
    case 'NoSuchBucket':
    case 'NotFound':
    case 'ResourceNotFoundException':
      return 'NotFound';
    case 'PreconditionFailed':
    case 'ConditionalRequestConflict':
      return 'PreconditionFailed';
    case 'ResourceConflictException':
    case 'BucketAlreadyOwnedByYou':
    case 'BucketAlreadyExists':
      return 'AlreadyExists';
    case 'AccessDenied':
    case 'AccessDeniedException':
      return 'Forbidden';
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
    case 'ExpiredToken':
    case 'UnrecognizedClientException':
      return 'Unauthorized';
    case 'SlowDown':
    case 'TooManyRequestsException':
      return 'ResourceExhausted';
    case 'EntityTooLarge':
    case 'RequestEntityTooLargeException':
    case 'CodeStorageExceededException':
      return 'PayloadTooLarge';
    case 'InvalidParameterValueException':
    case 'InvalidArgument':
    case 'InvalidRequest':
    case 'ValidationException':
      return 'InvalidArgument';
    case 'TimeoutError':
    case 'RequestTimeout':
      return 'DeadlineExceeded';
    case 'AbortError':
      return 'Unavailable';
  }
  const status = httpStatusOf(err);
  if (status === 404) return 'NotFound';
  if (status === 412) return 'PreconditionFailed';
  if (status === 409) return 'AlreadyExists';
  if (status === 403) return 'Forbidden';
  if (status === 401) return 'Unauthorized';
  if (status === 429) return 'ResourceExhausted';
  if (status === 400) return 'InvalidArgument';
  if (status !== undefined && status >= 500) return 'Unavailable';
  // Sockets that never answered (endpoint down, DNS): worth retrying, not a bug.
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE'].includes(e?.code ?? '')) return 'Unavailable';
  return undefined;
}
