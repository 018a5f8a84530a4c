import type { MessageEvent } from '../events/message.js';
import type { ScheduleEvent } from '../events/schedule.js';
import type { StorageEvent } from '../events/storage.js';
import type { WarmupResult } from './instance.js';
import type { WARMUP_EVENT } from './warmup.js';

/** A neutral non-HTTP event, as an adapter translated it from the provider's shape. */
export type NeutralEvent = StorageEvent | MessageEvent | ScheduleEvent;

/**
 * A call of one function by name with a ready-made neutral event (a memory
 * runtime's `invoke`, a Lambda direct invocation once its payload is turned
 * into the event the trigger expects). The event must be the kind the
 * function's trigger delivers.
 */
export interface DirectInvocation {
  readonly polyfaas: 'invoke';
  readonly function: string;
  readonly event: unknown;
}

/** What {@link AppRuntime.handleEvent} accepts: a neutral event, a warm-up ping or a direct invocation. */
export type EventInput = NeutralEvent | typeof WARMUP_EVENT | DirectInvocation;

/** What the platform told the adapter about one delivery. Every field is optional. */
export interface DeliveryFacts {
  /** The platform's request / invocation id; a fresh UUID otherwise. */
  readonly requestId?: string;
  /** Epoch ms at which the platform stops the invocation (Lambda's remaining time). */
  readonly deadline?: number;
  /** The platform's longest run time for this kind of event (9 min for 2nd gen event functions). */
  readonly maxTimeoutMs?: number;
  /** Epoch ms the platform handed the event over; deadlines count from here. Default now. */
  readonly received?: number;
  /** The platform's 1-based attempt number, when it reports one (SQS receive count, Azure dequeue count). */
  readonly attempt?: number;
  /** The one function this deployment (or this delivery) is for; events only reach it. */
  readonly function?: string;
  /** Names of the schedule rules that fired (EventBridge `resources`), to pick a function in a whole-app deployment. */
  readonly rules?: readonly string[];
  /**
   * When the platform gives no attempt number, deliveries are counted per function
   * and event id, qualified by this key: what a redelivery shares and a new event
   * does not (Lambda: the request id, which its async retries keep).
   */
  readonly deliveryKey?: string;
}

/** How {@link AppRuntime.handleEvent} settled an event that did not fail. */
export type EventOutcome =
  | { readonly status: 'handled'; readonly results: readonly { readonly function: string; readonly value: unknown }[] }
  | { readonly status: 'warmed'; readonly results: readonly WarmupResult[] }
  | { readonly status: 'skipped'; readonly reason: string };

/** The kind of neutral event, from its CloudEvents-style `type`. */
export function neutralKind(event: unknown): 'storage' | 'queue' | 'schedule' | 'http' | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  const type = typeof e.type === 'string' ? e.type : '';
  if (type.startsWith('polyfaas.storage.') && typeof e.key === 'string' && typeof e.bucket === 'string') return 'storage';
  if (type === 'polyfaas.queue.message' && e.body instanceof Uint8Array) return 'queue';
  if (type === 'polyfaas.schedule.fired' && typeof e.cron === 'string') return 'schedule';
  if (typeof e.method === 'string' && typeof e.path === 'string' && e.body instanceof Uint8Array) return 'http';
  return undefined;
}

/** True for a {@link DirectInvocation}. */
export function isDirectInvocation(input: unknown): input is DirectInvocation {
  const e = input as Partial<DirectInvocation> | null;
  return typeof e === 'object' && e !== null && e.polyfaas === 'invoke' && typeof e.function === 'string';
}

/** A short, safe description of something that is not the expected event, for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return typeof value;
  const keys = Object.keys(value).slice(0, 6);
  return keys.length ? `an object with keys ${keys.join(', ')}` : 'an empty object';
}
