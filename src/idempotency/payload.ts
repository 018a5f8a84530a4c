import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { HttpRequest } from '../events/http.js';
import type { MessageEvent } from '../events/message.js';
import type { ScheduleEvent } from '../events/schedule.js';
import type { StorageEvent } from '../events/storage.js';
import { neutralKind } from '../runtime/event-input.js';

/** The header a client names a POST's idempotency key in (lower-case, as `HttpRequest.headers` are). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The default key: an HTTP POST's `Idempotency-Key` header (other requests have none), else the event's id. */
export function defaultIdempotencyKey(event: unknown): string | undefined {
  if (neutralKind(event) === 'http') {
    const request = event as HttpRequest;
    return request.method === 'POST' ? request.headers[IDEMPOTENCY_KEY_HEADER] || undefined : undefined;
  }
  const id = (event as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The default payload: what makes two deliveries "the same request", without ids, times or attempt counts. */
export function defaultPayload(event: unknown): unknown {
  switch (neutralKind(event)) {
    case 'http': {
      const r = event as HttpRequest;
      return { method: r.method, path: r.path, query: r.query, body: r.body };
    }
    case 'queue': {
      // Not the attributes: on Azure they carry per-delivery metadata (dequeue count, pop receipt), so a redelivery would not match.
      const m = event as MessageEvent;
      return { queue: m.queue, body: m.body };
    }
    case 'storage': {
      const s = event as StorageEvent;
      return { kind: s.kind, bucket: s.bucket, key: s.key, etag: s.etag };
    }
    case 'schedule': {
      const s = event as ScheduleEvent;
      return { cron: s.cron, scheduledTime: s.scheduledTime.toISOString() };
    }
    default:
      return event;
  }
}

/**
 * SHA-256 (hex) of a payload in a canonical form: object keys sorted, dates as
 * ISO text, bytes fed to the hash as they are (a 2 MiB image body is hashed,
 * never copied into text).
 */
export function payloadHash(payload: unknown): string {
  const hash = createHash('sha256');
  feed(hash, payload);
  return hash.digest('hex');
}

function feed(hash: Hash, value: unknown): void {
  if (value instanceof Uint8Array) {
    hash.update(`b${value.byteLength}:`);
    hash.update(value);
  } else if (value instanceof Date) {
    hash.update(`d${value.toISOString()}`);
  } else if (Array.isArray(value)) {
    hash.update(`[${value.length}`);
    for (const item of value) feed(hash, item);
  } else if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    hash.update(`{${keys.length}`);
    for (const k of keys) {
      hash.update(JSON.stringify(k));
      feed(hash, (value as Record<string, unknown>)[k]);
    }
  } else {
    // Leaves carry their type, so 1 and "1" differ; lengths and ";" keep concatenations apart.
    const text = typeof value === 'bigint' ? value.toString() : (JSON.stringify(value) ?? '');
    hash.update(`${typeof value}:${text};`);
  }
}
