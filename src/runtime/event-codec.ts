import { PolyfaasError } from '../errors.js';
import { createMessageEvent } from '../events/message.js';
import type { MessageEvent } from '../events/message.js';

/**
 * Tag marking a value JSON cannot carry by itself. Chosen to be unlikely in
 * provider payloads; a plain object that does use it as a key is wrapped, so
 * decoding never mistakes user data for a tag.
 */
const TAG = '$polyfaas';

type Tagged =
  | { [TAG]: 'date'; v: string }
  | { [TAG]: 'bytes'; v: string }
  | { [TAG]: 'number'; v: 'NaN' | 'Infinity' | '-Infinity' }
  | { [TAG]: 'bigint'; v: string }
  | { [TAG]: 'undefined' }
  | { [TAG]: 'object'; v: Record<string, unknown> };

/**
 * Serialise a neutral event (or any direct-invoke payload) to JSON text that
 * {@link decodeEvent} turns back into an equal value: `Date`s, `Uint8Array`
 * bodies, non-finite numbers, bigints and `undefined` values survive,
 * including inside `raw`. Functions (a message's `text()` and `json()`) are
 * dropped and restored on decode. Used to keep in-flight events on disk.
 *
 * @throws PolyfaasError `InvalidArgument` for values that cannot be stored (cycles, symbols).
 */
export function encodeEvent(event: unknown): string {
  return JSON.stringify(toJson(event, new Set()));
}

/**
 * Inverse of {@link encodeEvent}. A decoded queue message gets its `text()`
 * and `json()` methods back.
 *
 * @throws PolyfaasError `DataLoss` when the text is not an encoded event.
 */
export function decodeEvent(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PolyfaasError('DataLoss', 'Stored event is not valid JSON', { cause: err });
  }
  return revive(fromJson(parsed));
}

function toJson(value: unknown, seen: Set<object>): unknown {
  if (value === undefined) return { [TAG]: 'undefined' };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { [TAG]: 'number', v: String(value) };
  if (typeof value === 'bigint') return { [TAG]: 'bigint', v: value.toString() };
  if (typeof value !== 'object') {
    throw new PolyfaasError('InvalidArgument', `A ${typeof value} cannot be stored in an event`);
  }
  if (value instanceof Date) return { [TAG]: 'date', v: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  if (value instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (seen.has(value)) throw new PolyfaasError('InvalidArgument', 'An event with a reference cycle cannot be stored');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toJson(item, seen));
    const out: Record<string, unknown> = {};
    // Functions are dropped (a message's methods are restored on decode); undefined properties stay, as keys.
    for (const [key, item] of Object.entries(value)) if (typeof item !== 'function') out[key] = toJson(item, seen);
    return TAG in out ? { [TAG]: 'object', v: out } : out;
  } finally {
    seen.delete(value);
  }
}

function fromJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  const record = value as Record<string, unknown>;
  if (!(TAG in record)) return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromJson(v)]));
  const tagged = record as Tagged;
  switch (tagged[TAG]) {
    case 'date':
      return new Date(tagged.v);
    case 'bytes':
      return new Uint8Array(Buffer.from(tagged.v, 'base64'));
    case 'number':
      return Number(tagged.v);
    case 'bigint':
      return BigInt(tagged.v);
    case 'undefined':
      return undefined;
    case 'object':
      return Object.fromEntries(Object.entries(tagged.v).map(([k, v]) => [k, fromJson(v)]));
    default:
      throw new PolyfaasError('DataLoss', `Stored event has an unknown tag ${JSON.stringify(String((tagged as Record<string, unknown>)[TAG]))}`);
  }
}

/** Give decoded events back what JSON cannot hold: a queue message's methods. */
function revive(value: unknown): unknown {
  const candidate = value as Partial<MessageEvent> | null;
  if (candidate && typeof candidate === 'object' && candidate.type === 'polyfaas.queue.message' && candidate.body instanceof Uint8Array) {
    const { text: _text, json: _json, ...fields } = candidate;
    const rebuilt = createMessageEvent({
      queue: String(fields.queue),
      body: fields.body as Uint8Array,
      ...(fields.attributes ? { attributes: { ...fields.attributes } } : {}),
      ...(typeof fields.deliveryCount === 'number' ? { deliveryCount: fields.deliveryCount } : {}),
      ...(fields.id !== undefined ? { id: fields.id } : {}),
      ...(fields.source !== undefined ? { source: fields.source } : {}),
      ...(fields.time instanceof Date ? { time: fields.time } : {}),
      ...('raw' in fields ? { raw: fields.raw } : {}),
    });
    // Fields createMessageEvent derives (subject, type) or does not know stay as they were stored.
    return { ...rebuilt, ...fields, text: rebuilt.text, json: rebuilt.json };
  }
  return value;
}
