import type { AnyFunction, Trigger } from '../function.js';
import type { NeutralEvent } from './event-input.js';
import { rejectedEvent } from './event-failure.js';
import type { FunctionInstance } from './instance.js';
import { matchesStorageTrigger } from './storage-match.js';

/** How each trigger type expects to be invoked directly, for error messages. */
export const EXPECTED_EVENT: Readonly<Record<Trigger['type'], string>> = {
  http: 'an HttpRequest (createHttpRequest({ method, path }))',
  storage: 'a StorageEvent (createStorageEvent({ kind, bucket, key }))',
  queue: 'a MessageEvent (createMessageEvent({ queue, body }))',
  schedule: 'a ScheduleEvent (createScheduleEvent({ cron }))',
};

const triggerOf = (fn: AnyFunction): Trigger => fn.trigger as Trigger;

/**
 * The functions a neutral event goes to, in one place for every adapter:
 * - storage: every storage trigger whose bucket, kind, prefix and suffix match;
 * - queue: every queue trigger on the event's queue (a deployment scoped to one
 *   function takes whatever its event source sends it);
 * - schedule: the scoped function, the only schedule trigger, or the one a fired
 *   rule is named after (`<app>-<function>` or `<function>`).
 *
 * `scope` restricts the choice to one function. A storage event nobody wants
 * yields no target; a message or tick nobody can take, or one sent to a function
 * of another trigger type, is a not-retried `NotFound` / `InvalidArgument`.
 */
export function selectTargets(
  instances: readonly FunctionInstance[],
  event: NeutralEvent,
  kind: 'storage' | 'queue' | 'schedule',
  scope: FunctionInstance | undefined,
  rules: readonly string[] = [],
): FunctionInstance[] {
  if (scope && triggerOf(scope.fn).type !== kind) {
    throw rejectedEvent('InvalidArgument', `${scope.fn.name} is ${triggerOf(scope.fn).type}-triggered: it cannot take a ${kind} event`, {
      expected: EXPECTED_EVENT[triggerOf(scope.fn).type],
    });
  }
  const candidates = scope ? [scope] : instances.filter((i) => triggerOf(i.fn).type === kind);
  switch (kind) {
    case 'storage':
      return candidates.filter((i) => matchesStorageTrigger(triggerOf(i.fn) as Extract<Trigger, { type: 'storage' }>, event as Extract<NeutralEvent, { kind: string }>));
    case 'queue': {
      const queue = (event as Extract<NeutralEvent, { queue: string }>).queue;
      const found = scope ? candidates : candidates.filter((i) => (triggerOf(i.fn) as { queue: string }).queue === queue);
      if (found.length === 0) throw rejectedEvent('NotFound', `No function listens on queue "${queue}"`);
      return found;
    }
    case 'schedule': {
      if (candidates.length === 0) throw rejectedEvent('NotFound', 'No function is schedule-triggered');
      if (scope || candidates.length === 1) return candidates;
      const named = candidates.filter((i) => rules.some((rule) => rule === i.fn.name || rule.endsWith(`-${i.fn.name}`)));
      if (named.length === 0) throw rejectedEvent('NotFound', `No scheduled function matches rule ${rules.join(', ') || '(none named)'}`);
      return named;
    }
  }
}
