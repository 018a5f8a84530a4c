import type { ErrorCode } from '../../src/index.js';

/** Map an `@azure/data-tables` RestError (by HTTP status) or a socket error to a code. */
export function classifyTableError(err: unknown): ErrorCode | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  switch (status) {
    case 400:
      return 'InvalidArgument';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'AlreadyExists';
    case 412:
      return 'PreconditionFailed';
    case 413:
      return 'PayloadTooLarge';
    case 429:
      return 'ResourceExhausted';
    case 500:
    case 502:
    case 503:
    case 504:
      return 'Unavailable';
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return 'Unavailable';
  return undefined;
}

/** The HTTP status of a RestError, if any. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
