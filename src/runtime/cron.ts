import { PolyfaasError } from '../errors.js';

/** A parsed 5-field cron expression, evaluated in UTC at minute granularity. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** True if the schedule fires in the UTC minute containing `date`. */
  matches(date: Date): boolean;
  /** The first firing minute strictly after `after`, or `undefined` if it never fires (e.g. `0 0 30 2 *`). */
  next(after: Date): Date | undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 0 and 7 are both Sunday, as in every cron since Vixie's.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MINUTE_MS = 60_000;
/** Enough days to find any real schedule (Feb 29 on a Monday recurs within 28 years). */
const SEARCH_DAYS = 366 * 28;

/**
 * Parse a standard 5-field cron expression (`minute hour day-of-month month
 * day-of-week`), the format polyfaas triggers use on every platform. Supports
 * `*`, numbers, ranges `1-5`, steps `*\/15` and `1-30/5`, lists `1,15,30`,
 * names (`JAN`, `MON`) and `?` as a synonym for `*`. As in Vixie cron, when both
 * day fields are restricted a day matches if either does. Anything else is
 * `InvalidArgument`.
 *
 * @example
 * ```ts
 * const nightly = parseCron('30 2 * * MON-FRI');
 * nightly.matches(new Date('2024-01-01T02:30:00Z')); // true (a Monday)
 * nightly.next(new Date('2024-01-01T02:30:00Z'));    // 2024-01-02T02:30:00Z
 * ```
 */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw invalid(expression, `expected 5 fields, got ${parts.length}`);
  const [minutes, hours, days, months, weekdays] = FIELDS.map((spec, i) => parseField(parts[i] as string, spec, expression)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.delete(7)) weekdays.add(0);
  const dayRestricted = !isWildcard(parts[2] as string);
  const weekdayRestricted = !isWildcard(parts[4] as string);

  const dayMatches = (d: Date) => {
    const byDay = days.has(d.getUTCDate());
    const byWeekday = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return byDay && byWeekday;
  };
  const matches = (d: Date) =>
    minutes.has(d.getUTCMinutes()) && hours.has(d.getUTCHours()) && months.has(d.getUTCMonth() + 1) && dayMatches(d);

  const next = (after: Date): Date | undefined => {
    let t = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const limit = t + SEARCH_DAYS * 24 * 60 * MINUTE_MS;
    // Skip whole days and hours that cannot match instead of stepping minute by minute.
    while (t < limit) {
      const d = new Date(t);
      if (!months.has(d.getUTCMonth() + 1) || !dayMatches(d)) {
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      } else if (!hours.has(d.getUTCHours())) {
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      } else if (!minutes.has(d.getUTCMinutes())) {
        t += MINUTE_MS;
      } else {
        return d;
      }
    }
    return undefined;
  };

  return { expression, matches, next };
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function parseField(field: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) throw invalid(expression, `bad ${spec.name} "${item}"`);
    const [, range = '', stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw invalid(expression, `bad step in ${spec.name} "${item}"`);
    let from: number;
    let to: number;
    if (isWildcard(range)) {
      from = spec.min;
      to = spec.name === 'day of week' ? 6 : spec.max;
    } else {
      const [a = '', b] = range.split('-');
      from = parseValue(a, spec, expression);
      // `5/15` means "from 5 to the end, every 15", as in Vixie cron.
      to = b !== undefined ? parseValue(b, spec, expression) : stepText !== undefined ? spec.max : from;
      if (to < from) throw invalid(expression, `${spec.name} range "${range}" runs backwards`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(text)) throw invalid(expression, `bad ${spec.name} "${text}"`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw invalid(expression, `${spec.name} ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function invalid(expression: string, why: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', `Invalid cron "${expression}": ${why}`, { details: { cron: expression } });
}
