import { PolyfaasError } from '../errors.js';

/**
 * What one invocation of a mapped function receives as its message body: one
 * item (inline, or by key when it is too large for an invocation payload) and
 * where to commit its result. Plain JSON, so every transport carries it.
 */
export interface MapTask {
  readonly 'polyfaas.map': 1;
  /** The map's id; results live under `<prefix>/<id>/`. */
  readonly id: string;
  readonly prefix: string;
  readonly index: number;
  /** 1 for the first launch of the item, higher for retries and straggler backups. */
  readonly launch: number;
  /** The item itself, when small. */
  readonly item?: unknown;
  /** Where the item is, when it was too large to inline. */
  readonly itemKey?: string;
  /** Results whose JSON is larger than this are left in the bucket, not returned. */
  readonly inlineLimit: number;
  /** Set for transports that return nothing (queues): failures are written as records too. */
  readonly report?: boolean;
}

/** What the mapped function returns (and commits): the winning launch's value, inline or by reference. */
export interface MapReply {
  readonly 'polyfaas.map': 1;
  readonly index: number;
  /** The launch whose result was committed first (may be another one than this). */
  readonly launch: number;
  readonly value?: unknown;
  /** True when the value is only in the bucket ({@link resultKey}). */
  readonly stored?: boolean;
  /**
   * Set when this launch failed: its code and (for coded failures) message.
   * In the reply rather than a transport error, so the code survives every
   * transport (a Lambda error payload, for one, keeps only a message).
   */
  readonly error?: MapFailureRecord;
}

/** A committed result, as stored at {@link resultKey}. */
export interface MapRecord {
  readonly launch: number;
  readonly value: unknown;
}

/** A failed launch, as stored at {@link failureKey} for transports that return nothing. */
export interface MapFailureRecord {
  readonly code: string;
  readonly message: string;
}

/** The default key prefix for map records. */
export const MAP_PREFIX = '_polyfaas/map';

/** Where an item too large for the payload is put. */
export const inputKey = (prefix: string, id: string, index: number): string => `${prefix}/${id}/in/${index}.json`;
/** Where the first result of an item is committed (write-if-absent: first result wins). */
export const resultKey = (prefix: string, id: string, index: number): string => `${prefix}/${id}/out/${index}.json`;
/** Where a failed launch is reported when the transport returns nothing. */
export const failureKey = (prefix: string, id: string, index: number, launch: number): string => `${prefix}/${id}/fail/${index}.${launch}.json`;

/** True for a body that is a {@link MapTask}. */
export function isMapTask(value: unknown): value is MapTask {
  const t = value as Partial<MapTask> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    t['polyfaas.map'] === 1 &&
    typeof t.id === 'string' &&
    typeof t.prefix === 'string' &&
    Number.isSafeInteger(t.index) &&
    Number.isSafeInteger(t.launch) &&
    typeof t.inlineLimit === 'number'
  );
}

/** The reply of a mapped function, checked; anything else is a coded failure, not a crash later. */
export function checkedReply(value: unknown, index: number): MapReply {
  const r = value as Partial<MapReply> | null;
  if (typeof r !== 'object' || r === null || r['polyfaas.map'] !== 1 || r.index !== index || !Number.isSafeInteger(r.launch)) {
    throw new PolyfaasError('Internal', `Item ${index}: the function did not answer like a map function (is it defined with defineMapFunction?)`);
  }
  return r as MapReply;
}
