/**
 * Provider-neutral error codes. Callers branch on `err.code`, never on messages.
 *
 * The set mirrors what every cloud can express, so an adapter can always map a
 * provider failure onto one of them and keep the original error as `cause`.
 */
export const ErrorCodes = [
  'NotFound',
  'AlreadyExists',
  'PreconditionFailed',
  'InvalidArgument',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'Unauthorized',
  'Forbidden',
  'Unavailable',
  'DeadlineExceeded',
  'ResourceExhausted',
  'Unimplemented',
  /** Stored data is corrupt or does not match its recorded digest. */
  'DataLoss',
  'Internal',
] as const;

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[number];

/** Options accepted by the {@link PolyfaasError} constructor. */
export interface PolyfaasErrorOptions {
  /** The provider's original error, kept for debugging and escape hatches. */
  cause?: unknown;
  /** Structured, non-secret details safe to show a caller (e.g. `{ expected, received }`). */
  details?: Record<string, unknown>;
}

/**
 * The only error type polyfaas throws on purpose.
 *
 * @example
 * ```ts
 * try {
 *   await bucket.get('missing.png');
 * } catch (err) {
 *   if (isPolyfaasError(err, 'NotFound')) return null;
 *   throw err;
 * }
 * ```
 */
export class PolyfaasError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: ErrorCode;
  /** Structured details that are safe to return to a caller. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PolyfaasErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PolyfaasError';
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True when `err` is a {@link PolyfaasError}, optionally with one of the given codes.
 *
 * @example
 * ```ts
 * if (isPolyfaasError(err, 'NotFound', 'PreconditionFailed')) retry();
 * ```
 */
export function isPolyfaasError(err: unknown, ...codes: ErrorCode[]): err is PolyfaasError {
  if (!(err instanceof PolyfaasError)) return false;
  return codes.length === 0 || codes.includes(err.code);
}

/** The HTTP status an error code answers with when it escapes an HTTP handler. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'NotFound':
      return 404;
    case 'AlreadyExists':
      return 409;
    case 'PreconditionFailed':
      return 412;
    case 'InvalidArgument':
      return 400;
    case 'PayloadTooLarge':
      return 413;
    case 'UnsupportedMediaType':
      return 415;
    case 'Unauthorized':
      return 401;
    case 'Forbidden':
      return 403;
    case 'Unavailable':
      return 503;
    case 'DeadlineExceeded':
      return 504;
    case 'ResourceExhausted':
      return 429;
    case 'Unimplemented':
      return 501;
    case 'DataLoss':
    case 'Internal':
      return 500;
  }
}

/**
 * Wrap anything thrown by a provider into a {@link PolyfaasError}, leaving
 * polyfaas errors untouched.
 *
 * @param classify maps a provider error to a code; `undefined` means `Internal`.
 */
export function toPolyfaasError(
  err: unknown,
  message: string,
  classify?: (err: unknown) => ErrorCode | undefined,
): PolyfaasError {
  if (err instanceof PolyfaasError) return err;
  const code = classify?.(err) ?? 'Internal';
  const reason = err instanceof Error ? err.message : String(err);
  return new PolyfaasError(code, `${message}: ${reason}`, { cause: err });
}
