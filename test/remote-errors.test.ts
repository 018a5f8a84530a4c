import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../adapters/aws/s3/s3-errors.js';
import { classifyAzureError } from '../adapters/azure/blob-errors.js';
import { classifyGcsError } from '../adapters/gcp/gcs-errors.js';
import { codeForHttpStatus } from '../src/adapter.js';

/** The same failure as each cloud's client library reports it. */
const byStatus = (status: number) => ({
  s3: Object.assign(new Error('s3'), { name: 'UnknownError', $metadata: { httpStatusCode: status } }),
  gcs: Object.assign(new Error('gcs'), { name: 'ApiError', code: status }),
  azure: Object.assign(new Error('azure'), { name: 'RestError', statusCode: status }),
});
const sameError = (err: Error) => ({ s3: err, gcs: err, azure: err });

const mappers = { s3: classifyAwsError, gcs: classifyGcsError, azure: classifyAzureError };

function codes(errors: Record<keyof typeof mappers, unknown>) {
  return { s3: mappers.s3(errors.s3), gcs: mappers.gcs(errors.gcs), azure: mappers.azure(errors.azure) };
}

describe('S3, GCS and Blob Storage error mappers agree on what they share', () => {
  it('maps every HTTP status as the core table does', () => {
    for (const status of [400, 401, 403, 404, 408, 409, 412, 413, 415, 429, 500, 501, 502, 503, 504]) {
      const expected = codeForHttpStatus(status);
      expect(codes(byStatus(status)), String(status)).toEqual({ s3: expected, gcs: expected, azure: expected });
    }
    // The cases that used to differ between clouds.
    expect(codes(byStatus(504))).toEqual({ s3: 'DeadlineExceeded', gcs: 'DeadlineExceeded', azure: 'DeadlineExceeded' });
    expect(codes(byStatus(501))).toEqual({ s3: 'Unimplemented', gcs: 'Unimplemented', azure: 'Unimplemented' });
  });

  it('maps network failures, aborts and timeouts the same way', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect(codes(sameError(Object.assign(new Error(code), { code }))), code).toEqual({ s3: 'Unavailable', gcs: 'Unavailable', azure: 'Unavailable' });
    }
    for (const name of ['AbortError', 'TimeoutError']) {
      expect(codes(sameError(Object.assign(new Error(name), { name }))), name).toEqual({ s3: 'DeadlineExceeded', gcs: 'DeadlineExceeded', azure: 'DeadlineExceeded' });
    }
  });

  it('keeps provider-specific names', () => {
    expect(classifyAwsError(Object.assign(new Error(), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }))).toBe('NotFound');
    expect(classifyAwsError(Object.assign(new Error(), { name: 'RequestTimeout', $metadata: { httpStatusCode: 400 } }))).toBe('DeadlineExceeded');
    expect(classifyGcsError(Object.assign(new Error(), { code: 'CONTENT_DOWNLOAD_MISMATCH' }))).toBe('DataLoss');
    expect(classifyAzureError(Object.assign(new Error(), { code: 'ConditionNotMet' }))).toBe('PreconditionFailed');
    expect(classifyAzureError(Object.assign(new Error(), { details: { errorCode: 'BlobNotFound' } }))).toBe('NotFound');
  });
});
