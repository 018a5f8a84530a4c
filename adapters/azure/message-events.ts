import type { InvocationContext, Timer } from '@azure/functions';
import type { MessageEvent, ScheduleEvent } from '../../src/index.js';
import { createMessageEvent, createScheduleEvent } from '../../src/index.js';
import { countField, idField, objectField, timeField } from '../../src/adapter.js';

/**
 * Bytes of a queue message as the trigger hands it over: the library parses
 * JSON text into objects, so those are serialised back; strings and buffers
 * pass through.
 */
export function queueMessageBytes(message: unknown): Uint8Array {
  if (message instanceof Uint8Array) return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  if (typeof message === 'string') return new TextEncoder().encode(message);
  return new TextEncoder().encode(JSON.stringify(message ?? null));
}

/**
 * The neutral event for a storage-queue message; `deliveryCount` is Azure's
 * `dequeueCount`. Malformed trigger metadata (a non-integer dequeue count, an
 * invalid insertion time, an id that is not text) throws `InvalidArgument`.
 */
export function messageEventFromQueue(queue: string, message: unknown, context: InvocationContext): MessageEvent {
  // Storage-queue trigger metadata, camel-cased by `@azure/functions`.
  const meta = objectField(context.triggerMetadata, 'Queue trigger metadata', true) ?? {};
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value === 'string' || typeof value === 'number') attributes[key] = String(value);
  }
  const id = idField(meta.id, 'Queue trigger metadata id');
  const time = timeField(meta.insertionTime, 'Queue trigger metadata insertionTime');
  return createMessageEvent({
    queue,
    body: queueMessageBytes(message),
    attributes,
    deliveryCount: countField(meta.dequeueCount, 'Queue trigger metadata dequeueCount') ?? 1,
    ...(id ? { id } : {}),
    source: `azqueue://${queue}`,
    ...(time ? { time } : {}),
    raw: { message, triggerMetadata: context.triggerMetadata, invocationId: context.invocationId },
  });
}

/**
 * The neutral event for a timer tick. The scheduled time is the current
 * minute (cron has minute resolution); the id combines the function and that
 * minute, so a retried tick keeps its id.
 */
export function scheduleEventFromTimer(functionName: string, cron: string, timer: Timer | undefined, now = new Date()): ScheduleEvent {
  const scheduled = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return createScheduleEvent({
    cron,
    scheduledTime: scheduled,
    id: `${functionName}@${scheduled.toISOString()}`,
    source: `azure://timer/${functionName}`,
    time: now,
    raw: timer,
  });
}
