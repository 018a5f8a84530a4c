import type { InvocationContext, Timer } from '@azure/functions';
import type { MessageEvent, ScheduleEvent } from '../../src/index.js';
import { createMessageEvent, createScheduleEvent } from '../../src/index.js';

/** Storage-queue trigger metadata (camel-cased by `@azure/functions`). */
interface QueueTriggerMetadata {
  id?: string;
  dequeueCount?: number;
  insertionTime?: string;
}

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

/** The neutral event for a storage-queue message; `deliveryCount` is Azure's `dequeueCount`. */
export function messageEventFromQueue(queue: string, message: unknown, context: InvocationContext): MessageEvent {
  const meta = (context.triggerMetadata ?? {}) as QueueTriggerMetadata;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value === 'string' || typeof value === 'number') attributes[key] = String(value);
  }
  return createMessageEvent({
    queue,
    body: queueMessageBytes(message),
    attributes,
    deliveryCount: typeof meta.dequeueCount === 'number' ? meta.dequeueCount : 1,
    ...(meta.id ? { id: meta.id } : {}),
    source: `azqueue://${queue}`,
    ...(meta.insertionTime ? { time: new Date(meta.insertionTime) } : {}),
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
