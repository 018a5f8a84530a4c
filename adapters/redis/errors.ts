import type { ErrorCode } from '../../src/index.js';

const UNAVAILABLE = new Set([
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'ClientClosedError',
  'ClientOfflineError',
  'ReconnectStrategyError',
  'SocketTimeoutError',
  'TimeoutError',
]);

/** Map a node-redis or socket error to a code; the original stays the cause. */
export function classifyRedisError(err: unknown): ErrorCode | undefined {
  const name = (err as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
  const code = (err as { code?: unknown } | null)?.code;
  if (UNAVAILABLE.has(name) || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') return 'Unavailable';
  const message = err instanceof Error ? err.message : '';
  if (/^(NOAUTH|WRONGPASS)/.test(message)) return 'Unauthorized';
  if (/^NOPERM/.test(message)) return 'Forbidden';
  if (/^(OOM|BUSY|LOADING|TRYAGAIN|MASTERDOWN|READONLY)/.test(message)) return message.startsWith('OOM') ? 'ResourceExhausted' : 'Unavailable';
  return undefined;
}
