import type { ErrorCode } from '../errors.js';

/**
 * The one table from a remote service's HTTP status to a neutral code. Cloud
 * error mappers (S3, GCS, Blob Storage) first read their provider's own error
 * names, then fall back to this table, so the same status means the same code
 * on every cloud.
 */
const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'InvalidArgument',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'DeadlineExceeded',
  409: 'AlreadyExists',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'ResourceExhausted',
  501: 'Unimplemented',
  504: 'DeadlineExceeded',
};

/**
 * Socket failures that never produced an answer: the endpoint is down,
 * unreachable or dropped the connection. Worth retrying, not a bug.
 */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Names of errors raised when a call is cut short by a signal or a client
 * timeout. polyfaas aborts calls when an invocation's deadline passes, so an
 * abort is a deadline, on every cloud.
 */
const DEADLINE_NAMES = new Set(['AbortError', 'TimeoutError']);

/** The neutral code for an HTTP status a remote service answered with; `undefined` for success and unknown 4xx. */
export function codeForHttpStatus(status: number | undefined): ErrorCode | undefined {
  if (status === undefined || !Number.isInteger(status)) return undefined;
  return BY_STATUS[status] ?? (status >= 500 && status <= 599 ? 'Unavailable' : undefined);
}

/**
 * The neutral code for a failure that got no HTTP answer: a socket error
 * (`ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`…) is `Unavailable`, an abort or
 * client timeout (`AbortError`, `TimeoutError`) is `DeadlineExceeded`. Follows
 * `cause`, where `fetch` and SDKs put the socket error.
 */
export function codeForNetworkError(err: unknown): ErrorCode | undefined {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (typeof name === 'string' && DEADLINE_NAMES.has(name)) return 'DeadlineExceeded';
    if (typeof code === 'string' && DEADLINE_NAMES.has(code)) return 'DeadlineExceeded';
    if (typeof code === 'string' && UNAVAILABLE_SOCKET_CODES.has(code)) return 'Unavailable';
  }
  return undefined;
}

/**
 * The shared fallback of every cloud error mapper: the status if the service
 * answered, else the network failure, else `undefined` (which callers treat as `Internal`).
 *
 * @example
 * ```ts
 * classifyRemoteError(err, err.$metadata?.httpStatusCode); // 'Unavailable' for a 503 or an ECONNRESET
 * ```
 */
export function classifyRemoteError(err: unknown, status: number | undefined): ErrorCode | undefined {
  return codeForHttpStatus(status) ?? codeForNetworkError(err);
}
