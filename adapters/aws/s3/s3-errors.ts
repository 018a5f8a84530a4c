import type { ErrorCode } from '../../../src/index.js';
import { classifyRemoteError } from '../../../src/adapter.js';

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
 * in `$metadata`. Only AWS's own names are listed here; statuses and network
 * failures go through the core table (`classifyRemoteError`), shared by every cloud.
 */
export function classifyAwsError(err: unknown): ErrorCode | undefined {
  const e = err as SdkErrorShape | undefined;
  switch (e?.name ?? '') {
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
    // S3 answers 400 when the client stopped sending mid-request: a timeout, not a bad argument.
    case 'RequestTimeout':
      return 'DeadlineExceeded';
  }
  return classifyRemoteError(err, httpStatusOf(err));
}
