import { stringListField } from '../../../src/adapter.js';
import type { ScheduledEvent } from 'aws-lambda';

/** True for an EventBridge (CloudWatch Events) scheduled rule firing. */
export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  const e = event as Partial<ScheduledEvent> | null;
  return typeof e === 'object' && e !== null && e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

/** True for any EventBridge event (scheduled or not), so unknown ones get a clear error. */
export function isEventBridgeEvent(event: unknown): boolean {
  const e = event as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && typeof e.source === 'string' && typeof e['detail-type'] === 'string' && 'detail' in e;
}

/** The rule names that fired (`arn:aws:events:…:rule/fashion-train` → `fashion-train`); malformed `resources` throw `InvalidArgument`. */
export function ruleNames(event: ScheduledEvent): string[] {
  return stringListField(event.resources, 'EventBridge event resources').map((arn) => arn.split('/').pop() ?? arn);
}

