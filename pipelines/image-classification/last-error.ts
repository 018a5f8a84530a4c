import type { Bucket, FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import { readJsonIfExists } from './jobs.js';

/** Where the pipeline keeps its most recent failure, for `GET /status`. No trigger watches this prefix. */
export const LAST_ERROR_KEY = 'status/last-error.json';

/** The most recent failure of a pipeline step. */
export interface LastError {
  function: string;
  /** The object whose event failed. */
  key: string;
  attempt: number;
  code: string;
  /** The message of a coded failure; internal errors are summarised, since this is served over HTTP. */
  message: string;
  time: string;
}

/**
 * Wrap a storage-triggered step so a failed attempt is recorded under
 * {@link LAST_ERROR_KEY} before the runtime retries it or dead-letters it.
 * Recording is best effort: it never hides or replaces the step's own error.
 */
export function recordingFailures<S>(fn: FunctionDefinition<StorageTrigger, S>, bucket: string): FunctionDefinition<StorageTrigger, S> {
  return {
    ...fn,
    handler: async (event, ctx) => {
      try {
        return await fn.handler(event, ctx);
      } catch (err) {
        const record: LastError = {
          function: fn.name,
          key: event.key,
          attempt: ctx.attempt,
          code: isPolyfaasError(err) ? err.code : 'Internal',
          message: isPolyfaasError(err) && err.code !== 'Internal' ? err.message : 'internal error (see the function log)',
          time: new Date().toISOString(),
        };
        await ctx
          .bucket(bucket)
          .put(LAST_ERROR_KEY, JSON.stringify(record, null, 2), { contentType: 'application/json' })
          .catch((putErr: unknown) => ctx.log.warn('could not record the failure for /status', { err: putErr }));
        throw err;
      }
    },
  };
}

/** The most recent recorded failure, if any. */
export function readLastError(bucket: Bucket): Promise<LastError | undefined> {
  return readJsonIfExists<LastError>(bucket, LAST_ERROR_KEY);
}
