import type { ErrorCode } from '../../src/index.js';

/** The `code` of a Node file-system error (`ENOENT`, ...), or undefined. */
export function errno(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Map a file-system error to a polyfaas code. Conditions the driver detects
 * itself (missing objects, failed preconditions, file/directory clashes) are
 * thrown as `PolyfaasError` directly and never reach this function.
 */
export function classifyFsError(err: unknown): ErrorCode | undefined {
  switch (errno(err)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'NotFound';
    case 'EEXIST':
    case 'ENOTEMPTY':
    case 'EISDIR':
      return 'AlreadyExists';
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EMFILE':
    case 'ENFILE':
    case 'EFBIG':
      return 'ResourceExhausted';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'Forbidden';
    case 'ENAMETOOLONG':
      return 'InvalidArgument';
    case 'EBUSY':
    case 'EAGAIN':
    case 'ETIMEDOUT':
      return 'Unavailable';
    default:
      return undefined;
  }
}

/** True for errors meaning "nothing is at that path" (including "a parent is a file"). */
export function isMissing(err: unknown): boolean {
  const code = errno(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
