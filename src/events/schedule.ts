import type { EventMeta } from './meta.js';
import { checkDate, checkMeta, invalid } from './meta.js';

/** A scheduled (cron) invocation. */
export interface ScheduleEvent extends EventMeta {
  /** The cron expression of the trigger that fired. */
  readonly cron: string;
  /** When the run was scheduled for; `time` is when it actually fired. */
  readonly scheduledTime: Date;
}

/** Build a neutral {@link ScheduleEvent}. An invalid `time` or `scheduledTime` throws `InvalidArgument`. */
export function createScheduleEvent(init: {
  cron: string;
  scheduledTime?: Date;
  id?: string;
  source?: string;
  time?: Date;
  raw?: unknown;
}): ScheduleEvent {
  const what = 'Schedule event';
  checkMeta(init, what);
  // Empty when the platform's event does not name it (EventBridge): the runtime fills in the trigger's cron.
  if (typeof init.cron !== 'string') invalid(what, 'cron', 'a string');
  if (init.scheduledTime !== undefined) checkDate(init.scheduledTime, what, 'scheduledTime');
  const time = init.time ?? new Date();
  return {
    id: init.id ?? crypto.randomUUID(),
    source: init.source ?? 'polyfaas://schedule',
    type: 'polyfaas.schedule.fired',
    time,
    subject: init.cron,
    raw: init.raw,
    cron: init.cron,
    scheduledTime: init.scheduledTime ?? time,
  };
}
