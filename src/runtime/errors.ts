import { httpStatusFor, PolyfaasError } from '../errors.js';
import type { HttpResponse } from '../events/http.js';
import { json } from '../events/http.js';
import type { Logger } from '../logger.js';

/** The JSON body of every error response polyfaas sends. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> };
}

/**
 * Turn anything a handler threw into an HTTP response. Coded errors keep their
 * message; anything else becomes a 500 whose body reveals nothing (the log keeps
 * the detail), so stack traces and internals never reach a caller.
 */
export function errorResponse(err: unknown, requestId: string | undefined, log: Logger): HttpResponse {
  if (err instanceof PolyfaasError && err.code !== 'Internal') {
    const status = httpStatusFor(err.code);
    if (status >= 500) log.error('request failed', { err, status });
    else log.warn('request failed', { err, status });
    const body: ErrorBody = {
      error: { code: err.code, message: err.message, ...(requestId ? { requestId } : {}), ...(err.details ? { details: err.details } : {}) },
    };
    return json(body, status);
  }
  log.error('unhandled error', { err: err instanceof Error ? err : String(err), stack: err instanceof Error ? err.stack : undefined });
  const body: ErrorBody = { error: { code: 'Internal', message: 'Internal error', ...(requestId ? { requestId } : {}) } };
  return json(body, 500);
}
