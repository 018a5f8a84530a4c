import { PolyfaasError } from '../errors.js';
import { MAX_KV_TTL_MS } from '../kv/limits.js';
import type { IdempotencyOptions } from './types.js';

/** Check `FunctionSpec.idempotency` when the function is defined, so a typo fails at start-up, not on the first duplicate. */
export function validateIdempotency(fnName: string, options: IdempotencyOptions<never>): void {
  const bad = (what: string) => new PolyfaasError('InvalidArgument', `${fnName}: idempotency.${what}`);
  if (typeof options !== 'object' || options === null) throw bad('must be an object');
  const store = options.store as unknown;
  const isStore = typeof store === 'object' && store !== null && typeof (store as { put?: unknown }).put === 'function';
  if (!(typeof store === 'string' && store !== '') && !isStore) throw bad('store must name one of the app\'s stores or be a KeyValueStore');
  for (const fn of ['key', 'payload'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') throw bad(`${fn} must be a function`);
  }
  const ttl = options.expiresAfterMs;
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_KV_TTL_MS)) throw bad(`expiresAfterMs must be a whole number of ms from 1 to ${MAX_KV_TTL_MS}`);
  if (options.required !== undefined && typeof options.required !== 'boolean') throw bad('required must be a boolean');
}
