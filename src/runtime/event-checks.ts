import type { PolyfaasError } from '../errors.js';
import type { MessageEvent } from '../events/message.js';
import type { ScheduleEvent } from '../events/schedule.js';
import type { StorageEvent } from '../events/storage.js';
import type { AnyFunction, Trigger } from '../function.js';
import { validateKey } from '../storage/keys.js';
import { describeValue, neutralKind } from './event-input.js';
import { rejectedEvent } from './event-failure.js';
import { EXPECTED_EVENT } from './event-targets.js';
import { isWarmupEvent } from './warmup.js';

/** Keys from provider events obey the same rules as keys handlers pass to a bucket. */
export function checkEventKey(event: StorageEvent): void {
  try {
    validateKey(event.key);
  } catch (err) {
    const reason = (err as PolyfaasError).details?.reason;
    throw rejectedEvent('InvalidArgument', `Storage event for bucket "${event.bucket}" names an invalid key: ${String(reason ?? 'invalid')}`, {
      key: event.key.slice(0, 200),
      reason,
    });
  }
}

/** The event a direct invocation carries, if it is the kind the function's trigger delivers. */
export function checkedDirectEvent(fn: AnyFunction, event: unknown): unknown {
  const expected = (fn.trigger as Trigger).type;
  if (neutralKind(event) !== expected) {
    throw rejectedEvent('InvalidArgument', `${fn.name} is ${expected}-triggered: invoke it with ${EXPECTED_EVENT[expected]}, not ${describeValue(event)}`, {
      expected: EXPECTED_EVENT[expected],
    });
  }
  if (expected === 'storage') checkEventKey(event as StorageEvent);
  return event;
}

/** What the handler sees: a message's `deliveryCount` is its attempt, a tick names the cron of the trigger that fired. */
export function asDelivered(fn: AnyFunction, event: unknown, attempt: number): unknown {
  const trigger = fn.trigger as Trigger;
  if (trigger.type === 'queue' && neutralKind(event) === 'queue') return { ...(event as MessageEvent), deliveryCount: attempt };
  if (trigger.type === 'schedule' && (event as ScheduleEvent).cron !== trigger.cron) return { ...(event as ScheduleEvent), cron: trigger.cron, subject: trigger.cron };
  return event;
}

/** True when a message carries the warm-up marker as its whole body. */
export function isWarmupBody(message: MessageEvent): boolean {
  // Only a tiny body can be the marker; never parse real payloads for it.
  if (message.body.byteLength > 64) return false;
  try {
    return isWarmupEvent(JSON.parse(new TextDecoder().decode(message.body)));
  } catch {
    return false;
  }
}

/** `<type> <subject>` of a neutral event, for log lines and skip reasons. */
export function describeEvent(event: unknown): string {
  const e = event as { type?: string; subject?: string };
  return `${e.type ?? 'event'}${e.subject ? ` ${e.subject}` : ''}`;
}
