import type { EventMeta } from './meta.js';

/** What happened to an object. */
export type StorageEventType = 'created' | 'deleted';

/**
 * An object was created (or overwritten) or deleted in a bucket.
 *
 * `bucket` is the app's logical bucket name (the key in `defineApp({ buckets })`),
 * so handlers can call `ctx.bucket(event.bucket)` on every provider.
 */
export interface StorageEvent extends EventMeta {
  readonly kind: StorageEventType;
  readonly bucket: string;
  readonly key: string;
  /** Size in bytes; 0 for deletions when the provider does not report it. */
  readonly size: number;
  /** The object's etag at the time of the event; empty for deletions. */
  readonly etag: string;
}

/** Fields accepted by {@link createStorageEvent}. */
export interface StorageEventInit {
  kind: StorageEventType;
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  id?: string;
  source?: string;
  time?: Date;
  raw?: unknown;
}

/** Build a neutral {@link StorageEvent} with CloudEvents-style metadata. */
export function createStorageEvent(init: StorageEventInit): StorageEvent {
  return {
    id: init.id ?? crypto.randomUUID(),
    source: init.source ?? `polyfaas://buckets/${init.bucket}`,
    type: `polyfaas.storage.${init.kind}`,
    time: init.time ?? new Date(),
    subject: init.key,
    raw: init.raw,
    kind: init.kind,
    bucket: init.bucket,
    key: init.key,
    size: init.size ?? 0,
    etag: init.etag ?? '',
  };
}
