import { PolyfaasError } from '../errors.js';
import type { JsonValue } from '../kv/types.js';

/** An idempotency record as stored: one JSON value per key. */
export type IdempotencyRecord =
  | { readonly status: 'in-progress'; readonly hash: string; readonly token: number; readonly leaseUntil?: number }
  | { readonly status: 'completed'; readonly hash: string; readonly token: number; readonly result: JsonValue };

/** The store key of a function's record for `key` (function names keep functions apart in one store). */
export function idempotencyRecordKey(functionName: string, key: string): string {
  return `idem/${functionName}/${key}`;
}

/**
 * Read a stored record. Anything unexpected is `DataLoss`: replaying or
 * overwriting a record we cannot read would be guessing.
 * A record `in-progress` without a numeric `leaseUntil` is returned without
 * one and is never treated as abandoned (powertools-lambda-typescript #5678).
 */
export function parseRecord(value: unknown): IdempotencyRecord {
  const v = value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && typeof v.hash === 'string' && typeof v.token === 'number') {
    if (v.status === 'completed' && 'result' in v) return { status: 'completed', hash: v.hash, token: v.token, result: v.result as JsonValue };
    if (v.status === 'in-progress') {
      return typeof v.leaseUntil === 'number'
        ? { status: 'in-progress', hash: v.hash, token: v.token, leaseUntil: v.leaseUntil }
        : { status: 'in-progress', hash: v.hash, token: v.token };
    }
  }
  throw new PolyfaasError('DataLoss', 'Idempotency record is not readable');
}
