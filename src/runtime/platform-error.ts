import { PolyfaasError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * The error an adapter hands back to the platform (Lambda, the Azure host)
 * when an event fails. The platform shows it in its logs and invocation
 * results, so only what is safe to show goes there: a coded error keeps its
 * code, message and details; anything else (a TypeError, a handler's own
 * `Error`) becomes `Internal: Internal error`. The stack is cut to its first
 * line, so no frames or absolute paths travel with it. The log gets the
 * original error in full.
 */
export function platformError(err: unknown, log: Logger, fields: Record<string, unknown> = {}): PolyfaasError {
  const coded = err instanceof PolyfaasError && err.code !== 'Internal';
  if (coded) log.warn('event failed', { ...fields, code: err.code, message: err.message });
  else log.error('event failed', { ...fields, err: err instanceof Error ? err : String(err), stack: err instanceof Error ? err.stack : undefined });
  const safe = coded
    ? new PolyfaasError(err.code, err.message, err.details ? { details: err.details } : {})
    : new PolyfaasError('Internal', 'Internal error');
  safe.stack = `${safe.name}: ${safe.message}`;
  return safe;
}
