import type { ErrorCode } from '../../../src/index.js';

/** Map a DynamoDB SDK error to a code; the original stays the cause. */
export function classifyDynamoError(err: unknown): ErrorCode | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'ConditionalCheckFailedException':
      return 'PreconditionFailed';
    case 'ResourceNotFoundException':
      return 'NotFound';
    case 'ValidationException':
      return 'InvalidArgument';
    case 'ProvisionedThroughputExceededException':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
    case 'LimitExceededException':
      return 'ResourceExhausted';
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return 'Unauthorized';
    case 'AccessDeniedException':
      return 'Forbidden';
    case 'InternalServerError':
    case 'ServiceUnavailable':
    case 'TimeoutError':
      return 'Unavailable';
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return 'Unavailable';
  return undefined;
}
