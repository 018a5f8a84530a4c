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
