import type { ErrorCode } from '../../src/index.js';
import { classifyRemoteError } from '../../src/adapter.js';

/** The client's own codes for a failed integrity check (crc32c/md5 of what was sent or received). */
const INTEGRITY_CODES = new Set(['FILE_NO_UPLOAD', 'CONTENT_DOWNLOAD_MISMATCH', 'FILE_NO_UPLOAD_DELETE']);

/**
 * Map a `@google-cloud/storage` failure to a polyfaas code. The client reports
 * HTTP failures as `ApiError` with a numeric `code` (the status), network
 * failures with a Node error code, and failed integrity checks with its own
 * string codes. Only those are GCS's own; the rest is the core table
 * (`classifyRemoteError`), shared by every cloud.
 */
export function classifyGcsError(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && INTEGRITY_CODES.has(code)) return 'DataLoss';
  return classifyRemoteError(err, typeof code === 'number' ? code : undefined);
}
