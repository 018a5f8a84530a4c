import { PolyfaasError } from '../src/errors.js';

/** Shortest and longest warm-up interval `--warmup` accepts, in minutes. */
export const WARMUP_MIN_MINUTES = 1;
export const WARMUP_MAX_MINUTES = 60;

/**
 * Parse a `--warmup` rate: whole minutes from 1 to 60, written `5m`, `5min` or `5`.
 * Anything else is an `InvalidArgument` error naming the accepted form.
 *
 * @example
 * ```ts
 * parseWarmupRate('5m'); // 5
 * ```
 */
export function parseWarmupRate(value: string): number {
  const match = /^\s*(\d{1,3})\s*(m|min|mins|minutes?)?\s*$/i.exec(value);
  const minutes = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(minutes) || minutes < WARMUP_MIN_MINUTES || minutes > WARMUP_MAX_MINUTES) {
    throw new PolyfaasError('InvalidArgument', `--warmup takes whole minutes from ${WARMUP_MIN_MINUTES} to ${WARMUP_MAX_MINUTES}, e.g. --warmup 5m (got "${value}")`);
  }
  return minutes;
}

/** Parse a positive whole count flag (`--provisioned 2`, `--min-instances 1`); `InvalidArgument` otherwise. */
export function parseCount(flag: string, value: string, max = 1000): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new PolyfaasError('InvalidArgument', `${flag} takes a whole number from 1 to ${max} (got "${value}")`);
  return n;
}
