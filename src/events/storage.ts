import type { EventMeta } from './meta.js';
import { checkMeta, invalid } from './meta.js';

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

/**
 * Build a neutral {@link StorageEvent} with CloudEvents-style metadata.
 * Malformed fields (an invalid `time`, an empty key, a negative size) throw `InvalidArgument`.
 */
export function createStorageEvent(init: StorageEventInit): StorageEvent {
  const what = 'Storage event';
  checkMeta(init, what);
  if (init.kind !== 'created' && init.kind !== 'deleted') invalid(what, 'kind', '"created" or "deleted"');
  if (typeof init.bucket !== 'string' || init.bucket === '') invalid(what, 'bucket', 'a non-empty string');
  if (typeof init.key !== 'string' || init.key === '') invalid(what, 'key', 'a non-empty string');
  if (init.size !== undefined && !(Number.isSafeInteger(init.size) && init.size >= 0)) invalid(what, 'size', 'a non-negative integer');
  if (init.etag !== undefined && typeof init.etag !== 'string') invalid(what, 'etag', 'a string');
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
