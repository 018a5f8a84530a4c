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

const SANITISED = Symbol.for('polyfaas.event.hostFailure');

/**
 * The error a host sees when an event fails (a Functions Framework 500 body, an
 * Azure rethrow, a Lambda error): code, message and details for coded errors,
 * and only `Internal error` otherwise, so no handler internals reach host logs
 * or responses. The stack is cut to one line (hosts print it, and ours would
 * only point into polyfaas). The full error goes to `log` once: a failure that
 * already went through here is passed on as it is.
 */
export function hostFailure(err: unknown, log: Logger, fields: Record<string, unknown> = {}): PolyfaasError {
  if (err instanceof PolyfaasError && (err as unknown as Record<symbol, unknown>)[SANITISED] === true) return err;
  const coded = err instanceof PolyfaasError && err.code !== 'Internal';
  if (coded) log.warn('event failed', { ...fields, code: err.code, message: err.message });
  else log.error('event failed', { ...fields, code: 'Internal', err: err instanceof Error ? err : String(err), stack: err instanceof Error ? err.stack : undefined });
  const failure = coded ? new PolyfaasError(err.code, err.message, err.details ? { details: err.details } : {}) : new PolyfaasError('Internal', 'Internal error');
  failure.stack = `${failure.name}: ${failure.message}`;
  Object.defineProperty(failure, SANITISED, { value: true });
  if (!isRetried(err)) Object.defineProperty(failure, NOT_RETRIED, { value: true });
  return failure;
}
