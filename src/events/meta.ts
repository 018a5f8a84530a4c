import { PolyfaasError } from '../errors.js';

/**
 * Fields every neutral event carries. They are the CloudEvents core attributes,
 * so a CloudEvent (GCP, Azure Event Grid, EventBridge) maps onto any polyfaas
 * event without loss and back again.
 */
export interface EventMeta {
  /** Unique per delivery source; a redelivery of the same event keeps the same id. */
  readonly id: string;
  /** Where the event came from, e.g. `polyfaas://local/buckets/raw` or `//storage.googleapis.com/...`. */
  readonly source: string;
  /** Reverse-DNS event type, e.g. `polyfaas.storage.created`. */
  readonly type: string;
  /** When the event happened (not when it was delivered). */
  readonly time: Date;
  /** What the event is about within the source, e.g. the object key. */
  readonly subject?: string;
  /**
   * The provider's original event, untouched. An escape hatch for the rare
   * case the neutral shape lacks something; code that reads it is no longer portable.
   */
  readonly raw?: unknown;
}

/**
 * Check the metadata an adapter passes to an event constructor, so a malformed
 * provider value (an `Invalid Date`, an empty or non-string id) is an
 * `InvalidArgument` at the edge instead of a broken event in a handler.
 */
export function checkMeta(init: { id?: unknown; source?: unknown; time?: unknown }, what: string): void {
  if (init.id !== undefined && (typeof init.id !== 'string' || init.id === '')) invalid(what, 'id', 'a non-empty string');
  if (init.source !== undefined && typeof init.source !== 'string') invalid(what, 'source', 'a string');
  if (init.time !== undefined) checkDate(init.time, what, 'time');
}

/** Throw `InvalidArgument` unless `value` is a Date holding a real instant. */
export function checkDate(value: unknown, what: string, field: string): void {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) invalid(what, field, 'a valid date');
}

/** Throw the `InvalidArgument` for a malformed field of a neutral event. */
export function invalid(what: string, field: string, expected: string): never {
  throw new PolyfaasError('InvalidArgument', `${what}: ${field} must be ${expected}`, { details: { field, expected } });
}
