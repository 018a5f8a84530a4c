import type { ErrorCode } from '../errors.js';
import { PolyfaasError } from '../errors.js';

/** Build the {@link PolyfaasError} every throw site in `src/tf/` raises, keeping the cause when there is one. */
export function backendError(code: ErrorCode, message: string, cause?: unknown): PolyfaasError {
  return new PolyfaasError(code, message, cause === undefined ? {} : { cause });
}
