import type { HttpRequest, MessageEvent, ScheduleEvent, StorageEvent } from '../../src/index.js';

const validDate = (d: unknown) => d instanceof Date && Number.isFinite(d.getTime());
const nonEmpty = (s: unknown) => typeof s === 'string' && s.length > 0;
const allStrings = (o: unknown) => typeof o === 'object' && o !== null && Object.values(o).every((v) => typeof v === 'string');

/**
 * What a neutral event must look like when it reaches a handler, whatever the
 * provider sent: the problems found, empty when the event is well-formed.
 */
export function eventProblems(kind: 'storage' | 'queue' | 'schedule' | 'http', event: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || problems.push(what));
  const e = event as Partial<StorageEvent & MessageEvent & ScheduleEvent & HttpRequest>;
  check(typeof e === 'object' && e !== null, 'event is not an object');
  if (problems.length) return problems;
  check(nonEmpty(e.id), 'id is not a non-empty string');
  check(typeof e.source === 'string', 'source is not a string');
  check(validDate(e.time), `time is not a valid Date (${String(e.time)})`);
  switch (kind) {
    case 'storage':
      check(nonEmpty(e.key), 'key is not a non-empty string');
      check(nonEmpty(e.bucket), 'bucket is not a non-empty string');
      check(e.kind === 'created' || e.kind === 'deleted', 'kind is not created/deleted');
      check(typeof e.size === 'number' && Number.isFinite(e.size) && e.size >= 0, `size is not a finite non-negative number (${String(e.size)})`);
      check(typeof e.etag === 'string', 'etag is not a string');
      break;
    case 'queue':
      check(e.body instanceof Uint8Array, 'body is not bytes');
      check(allStrings(e.attributes), 'attributes are not all strings');
      check(Number.isSafeInteger(e.deliveryCount) && (e.deliveryCount as number) >= 1, `deliveryCount is not a positive integer (${String(e.deliveryCount)})`);
      check(nonEmpty(e.queue), 'queue is not a non-empty string');
      break;
    case 'schedule':
      check(validDate(e.scheduledTime), 'scheduledTime is not a valid Date');
      check(nonEmpty(e.cron), 'cron is not a non-empty string');
      break;
    case 'http':
      check(typeof e.method === 'string', 'method is not a string');
      check(typeof e.path === 'string' && e.path.startsWith('/'), 'path does not start with /');
      check(allStrings(e.headers), 'headers are not all strings');
      check(allStrings(e.query), 'query values are not all strings');
      check(e.body instanceof Uint8Array, 'body is not bytes');
      break;
  }
  return problems;
}
