import { PolyfaasError } from '../errors.js';

/**
 * Readers for fields of provider events, which arrive as untyped JSON. Each
 * returns the field in the type the neutral event needs or throws
 * `InvalidArgument` naming the field, so a malformed event ends in a coded
 * error instead of a TypeError deep in a translator (or a value such as
 * `Invalid Date` or `"/undefined"` reaching a handler).
 *
 * `what` names the field for the message, e.g. `S3 record s3.object.key`; it is
 * the adapter's wording, never the value, so nothing the sender chose is echoed.
 */

type Obj = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throw `InvalidArgument` saying `what` is malformed. */
export function malformed(what: string, expected: string): never {
  throw new PolyfaasError('InvalidArgument', `Malformed event: ${what} must be ${expected}`, { details: { field: what, expected } });
}

/** An object field; `null`/absent only when `optional`. */
export function objectField(value: unknown, what: string): Obj;
export function objectField(value: unknown, what: string, optional: true): Obj | undefined;
export function objectField(value: unknown, what: string, optional = false): Obj | undefined {
  if (optional && (value === undefined || value === null)) return undefined;
  return isRecord(value) ? value : malformed(what, 'an object');
}

/** A string field; `null`/absent only when `optional`. */
export function stringField(value: unknown, what: string): string;
export function stringField(value: unknown, what: string, optional: true): string | undefined;
export function stringField(value: unknown, what: string, optional = false): string | undefined {
  if (optional && (value === undefined || value === null)) return undefined;
  return typeof value === 'string' ? value : malformed(what, 'a string');
}

/** A non-empty string, or undefined when absent, null or empty (ids: the neutral event then makes one up). */
export function idField(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return stringField(value, what);
}

/** A boolean; absent or null is false. */
export function flagField(value: unknown, what: string): boolean {
  if (value === undefined || value === null) return false;
  return typeof value === 'boolean' ? value : malformed(what, 'true or false');
}

/** A list of strings; absent or null is empty. */
export function stringListField(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : malformed(what, 'a list of strings');
}

/** A string-to-string map; absent or null is empty. */
export function stringMapField(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return malformed(what, 'an object of strings');
  for (const v of Object.values(value)) if (typeof v !== 'string') malformed(what, 'an object of strings');
  return value as Record<string, string>;
}

/** A map of string lists (multi-value headers and query strings); absent or null is undefined, a null list is empty. */
export function stringListMapField(value: unknown, what: string): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return malformed(what, 'an object of string lists');
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringListField(v, what)]));
}

/** A byte count: a non-negative safe integer, as a number or decimal string; absent or null is 0. */
export function sizeField(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : malformed(what, 'a non-negative integer');
}

/** A delivery count: a positive safe integer, as a number or decimal string; absent, null or empty is undefined. */
export function countField(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : malformed(what, 'a positive integer');
}

/**
 * A timestamp: an RFC 3339 / ISO 8601 string, or epoch milliseconds as a number
 * or decimal string. Absent, null or empty is undefined; anything else that is
 * not a real instant throws (never `Invalid Date`).
 */
export function timeField(value: unknown, what: string): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let time: Date | undefined;
  if (typeof value === 'number') time = new Date(value);
  else if (typeof value === 'string') time = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return time && Number.isFinite(time.getTime()) ? time : malformed(what, 'a timestamp');
}

/**
 * An HTTP request target (`/path?query`, as a Node or Express request gives it)
 * as a URL, never throwing. A target starting with `//` is a path, not a host: a
 * bare `new URL(target, base)` reads `//a/b` as host `a` (routing `/b`) and throws
 * on `//`. An absolute-form target that does not parse is taken as a path too.
 */
export function requestTarget(target: string | undefined): URL {
  const base = 'http://localhost';
  const raw = target || '/';
  if (raw.startsWith('//')) return new URL(`/.${raw}`, base);
  try {
    return new URL(raw, base);
  } catch {
    return new URL(`/./${raw}`, base);
  }
}
