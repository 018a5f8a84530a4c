import { bodyJson, bodyText } from './body.js';
import type { EventMeta } from './meta.js';
import { checkMeta, invalid } from './meta.js';

/** A message from a named queue (SQS, Pub/Sub, Storage Queues / Service Bus). */
export interface MessageEvent extends EventMeta {
  readonly queue: string;
  /** The payload exactly as sent. */
  readonly body: Uint8Array;
  readonly attributes: Readonly<Record<string, string>>;
  /** 1 on first delivery; higher on redelivery (at-least-once queues redeliver). */
  readonly deliveryCount: number;
  text(): string;
  json<T = unknown>(): T;
}

/** Fields accepted by {@link createMessageEvent}. */
export interface MessageEventInit {
  queue: string;
  body: Uint8Array | string;
  attributes?: Record<string, string>;
  deliveryCount?: number;
  id?: string;
  source?: string;
  time?: Date;
  raw?: unknown;
}

/**
 * Build a neutral {@link MessageEvent}. Malformed fields (an invalid `time`, a
 * non-string attribute, a delivery count below 1) throw `InvalidArgument`.
 */
export function createMessageEvent(init: MessageEventInit): MessageEvent {
  const what = 'Message event';
  checkMeta(init, what);
  if (typeof init.queue !== 'string' || init.queue === '') invalid(what, 'queue', 'a non-empty string');
  if (typeof init.body !== 'string' && !(init.body instanceof Uint8Array)) invalid(what, 'body', 'a string or bytes');
  if (init.deliveryCount !== undefined && !(Number.isSafeInteger(init.deliveryCount) && init.deliveryCount >= 1)) invalid(what, 'deliveryCount', 'a positive integer');
  for (const value of Object.values(init.attributes ?? {})) if (typeof value !== 'string') invalid(what, 'attributes', 'strings');
  const body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body;
  return {
    id: init.id ?? crypto.randomUUID(),
    source: init.source ?? `polyfaas://queues/${init.queue}`,
    type: 'polyfaas.queue.message',
    time: init.time ?? new Date(),
    subject: init.queue,
    raw: init.raw,
    queue: init.queue,
    body,
    attributes: init.attributes ?? {},
    deliveryCount: init.deliveryCount ?? 1,
    text: () => bodyText(body),
    json: <T>() => bodyJson<T>(body, 'Message body'),
  };
}
