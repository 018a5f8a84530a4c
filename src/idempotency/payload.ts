import { createHash } from 'node:crypto';
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

/** SHA-256 (hex) of a payload in a canonical form: object keys sorted, bytes as hex, dates as ISO text. */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonical(payload)).digest('hex');
}

function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return `b:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Date) return `d:${value.toISOString()}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return value === undefined ? 'u' : JSON.stringify(value);
}
