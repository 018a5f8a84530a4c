import { PolyfaasError } from '../errors.js';
import type { JsonValue } from '../kv/types.js';

/**
 * A handler result as JSON the store can hold, and back. Byte arrays (an HTTP
 * body) travel as base64 so a replayed response is byte for byte the first
 * one; `undefined` survives too. Anything else JSON cannot carry is `InvalidArgument`.
 */
export function encodeResult(result: unknown): JsonValue {
  return { v: toJson(result) };
}

/** The result {@link encodeResult} stored. */
export function decodeResult(stored: JsonValue): unknown {
  return fromJson((stored as { v?: JsonValue } | null)?.v);
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return { $u: 1 };
  if (value instanceof Uint8Array) return { $b: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null; // as JSON.stringify has it
    case 'object':
      return null;
    default:
      throw new PolyfaasError('InvalidArgument', `An idempotent handler must return something JSON can carry, not a ${typeof value}`);
  }
}

function fromJson(value: JsonValue | undefined): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === 'object') {
    if (typeof value.$b === 'string' && Object.keys(value).length === 1) return new Uint8Array(Buffer.from(value.$b, 'base64'));
    if (value.$u === 1 && Object.keys(value).length === 1) return undefined;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  }
  return value;
}
