import { describe, expect, it } from 'vitest';
import { classifyRemoteError, codeForHttpStatus, codeForNetworkError } from './remote-errors.js';

describe('remote error table', () => {
  it('maps HTTP statuses to codes', () => {
    const expected: Record<number, string | undefined> = {
      200: undefined,
      304: undefined,
      400: 'InvalidArgument',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'NotFound',
      405: undefined,
      408: 'DeadlineExceeded',
      409: 'AlreadyExists',
      412: 'PreconditionFailed',
      413: 'PayloadTooLarge',
      415: 'UnsupportedMediaType',
      429: 'ResourceExhausted',
      500: 'Unavailable',
      501: 'Unimplemented',
      502: 'Unavailable',
      503: 'Unavailable',
      504: 'DeadlineExceeded',
      599: 'Unavailable',
    };
    for (const [status, code] of Object.entries(expected)) expect(codeForHttpStatus(Number(status)), status).toBe(code);
    expect(codeForHttpStatus(undefined)).toBeUndefined();
    expect(codeForHttpStatus(Number.NaN)).toBeUndefined();
  });

  it('maps socket errors to Unavailable and aborts and timeouts to DeadlineExceeded, following causes', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect(codeForNetworkError(Object.assign(new Error('x'), { code })), code).toBe('Unavailable');
    }
    expect(codeForNetworkError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('DeadlineExceeded');
    expect(codeForNetworkError(new DOMException('timed out', 'TimeoutError'))).toBe('DeadlineExceeded');
    // What fetch throws when the socket resets: the reason is in `cause`.
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }) });
    expect(codeForNetworkError(fetchFailed)).toBe('Unavailable');
    expect(codeForNetworkError(new Error('plain'))).toBeUndefined();
    expect(codeForNetworkError('string')).toBeUndefined();
  });

  it('prefers the status when the service answered', () => {
    expect(classifyRemoteError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 404)).toBe('NotFound');
    expect(classifyRemoteError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), undefined)).toBe('Unavailable');
    expect(classifyRemoteError(new Error('x'), undefined)).toBeUndefined();
  });
});
