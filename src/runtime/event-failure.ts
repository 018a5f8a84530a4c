import type { ErrorCode } from '../errors.js';
import { PolyfaasError } from '../errors.js';
import type { Logger } from '../logger.js';

const NOT_RETRIED = Symbol.for('polyfaas.event.notRetried');

/**
 * A failure that no retry can fix: a provider event that is malformed, names
 * an invalid key, or reaches a function that cannot take it. The event is
 * failed before any handler runs. Runtimes that own delivery (memory, local)
 * dead-letter it at once; each cloud adapter reports it the way its platform
 * lets a function say "do not retry" (see docs/design.md, "Event path").
 */
export function rejectedEvent(code: ErrorCode, message: string, details?: Record<string, unknown>): PolyfaasError {
  const err = new PolyfaasError(code, message, details ? { details } : {});
  Object.defineProperty(err, NOT_RETRIED, { value: true });
  return err;
}

/**
 * An error thrown while translating one provider record (a translator bug or a
 * shape it does not know) as a coded, not-retried failure of that record only.
 * Coded errors keep their code and message; anything else says only what could
 * not be read, so internal messages stay in the log.
 */
export function malformedEvent(err: unknown, what: string): PolyfaasError {
  if (err instanceof PolyfaasError) {
    if (isRetried(err)) Object.defineProperty(err, NOT_RETRIED, { value: true });
    return err;
  }
  return rejectedEvent('InvalidArgument', `Malformed ${what}`);
}

/** False for failures made by {@link rejectedEvent}: retrying them cannot help. */
export function isRetried(err: unknown): boolean {
  return !(typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[NOT_RETRIED] === true);
}

/**
 * The error a host sees when an event fails (a Functions Framework 500 body, an
 * Azure rethrow, a Lambda error): code and message for coded errors, and only
 * `Internal error` otherwise, so no handler internals reach host logs or
 * responses. The full error goes to `log`.
 */
export function hostFailure(err: unknown, log: Logger, fields: Record<string, unknown> = {}): PolyfaasError {
  const coded = err instanceof PolyfaasError && err.code !== 'Internal';
  const code: ErrorCode = coded ? err.code : 'Internal';
  log.error('event failed', { ...fields, code, err: err instanceof Error ? err : String(err), stack: err instanceof Error ? err.stack : undefined });
  const failure = new PolyfaasError(code, coded ? err.message : 'Internal error');
  // No stack: hosts print it, and ours would only point into polyfaas.
  failure.stack = `${failure.name}: ${code}: ${failure.message}`;
  if (!isRetried(err)) Object.defineProperty(failure, NOT_RETRIED, { value: true });
  return failure;
}
