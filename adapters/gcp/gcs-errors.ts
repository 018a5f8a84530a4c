import type { ErrorCode } from '../../src/index.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'InvalidArgument',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'AlreadyExists',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  429: 'ResourceExhausted',
  501: 'Unimplemented',
  503: 'Unavailable',
  504: 'DeadlineExceeded',
};

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE']);

/**
 * Map a `@google-cloud/storage` failure to a polyfaas code. The client reports
 * HTTP failures as `ApiError` with a numeric `code`, network failures with a
 * Node error code, and failed integrity checks with its own string codes.
 */
export function classifyGcsError(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return BY_STATUS[code] ?? (code >= 500 ? 'Unavailable' : undefined);
  if (typeof code === 'string') {
    if (NETWORK.has(code)) return 'Unavailable';
    // The client compares crc32c/md5 of what it sent or received with what GCS reports.
    if (code === 'FILE_NO_UPLOAD' || code === 'CONTENT_DOWNLOAD_MISMATCH' || code === 'FILE_NO_UPLOAD_DELETE') return 'DataLoss';
  }
  return undefined;
}
