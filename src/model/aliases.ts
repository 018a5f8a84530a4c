import { isPolyfaasError, PolyfaasError } from '../errors.js';
import type { Bucket } from '../storage/types.js';
import type { DsseEnvelope } from './signing-dsse.js';
import { isVersionId } from './version-id.js';

/** How many past targets an alias remembers; bounded so the object stays small. */
export const ALIAS_HISTORY_LIMIT = 50;

/** One past or present target of an alias. */
export interface AliasHistoryEntry {
  readonly version: string;
  /** ISO-8601 time the alias was moved to `version`. */
  readonly updatedAt: string;
}

/** The JSON stored in `<prefix><name>/aliases/<alias>.json`. */
export interface AliasRecord {
  /** The version the alias points to now. */
  readonly version: string;
  /** The version it pointed to before the last promotion; `null` for the first. */
  readonly previous: string | null;
  /** ISO-8601 time of the last promotion. */
  readonly updatedAt: string;
  /**
   * Every promotion, newest first (the current one included), up to
   * {@link ALIAS_HISTORY_LIMIT} entries. Concurrent promotions each add an entry, so
   * none is lost even when another one lands a moment later.
   */
  readonly history: readonly AliasHistoryEntry[];
  /** Monotonic promotion number of a signed record (see `signing-alias.ts`); absent when unsigned. */
  readonly sequence?: number;
  /** DSSE signature over model, alias, version and sequence; absent when unsigned. */
  readonly signature?: DsseEnvelope;
}

/** An alias as read from the bucket, with the etag to compare-and-swap on. */
export interface AliasInfo extends AliasRecord {
  /** The alias name, e.g. `production`. */
  readonly alias: string;
  /** Etag of the alias object; changes on every promotion. */
  readonly etag: string;
}

/** The alias at `key`, or `undefined` if it does not exist. */
export async function readAlias(bucket: Bucket, key: string, alias: string): Promise<AliasInfo | undefined> {
  let object;
  try {
    object = await bucket.get(key);
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
  return { alias, etag: object.etag, ...decodeAlias(object.body, key) };
}

/** Options for {@link moveAlias}. */
export interface MoveAliasOptions {
  /** Compare-and-swap attempts before giving up. With N concurrent writers, N attempts always suffice. */
  attempts: number;
  now: () => Date;
  /** Injected so tests need not wait on real timers. */
  sleep?: (ms: number) => Promise<void>;
  /** Signs the new record, given the record it replaces; unsigned when absent. */
  sign?: (current: AliasInfo | undefined, updatedAt: Date) => { sequence: number; signature: DsseEnvelope };
}

/**
 * Point the alias at `key` to `version` with compare-and-swap: read it, write
 * it back with `ifMatch` (or `ifNoneMatch: '*'` when absent) and re-read on
 * conflict. A writer only fails when another writer succeeded since its read,
 * so concurrent promotions are all applied, in some order, and each is in the
 * history.
 */
export async function moveAlias(bucket: Bucket, key: string, alias: string, version: string, options: MoveAliasOptions): Promise<AliasInfo> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastConflict: unknown;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (attempt > 0) await sleep(Math.random() * Math.min(100, 5 * 2 ** attempt));
    const current = await readAlias(bucket, key, alias);
    const now = options.now();
    const updatedAt = now.toISOString();
    const record: AliasRecord = {
      version,
      previous: current?.version ?? null,
      updatedAt,
      history: [{ version, updatedAt }, ...(current?.history ?? [])].slice(0, ALIAS_HISTORY_LIMIT),
      ...options.sign?.(current, now),
    };
    try {
      const written = await bucket.put(key, encodeAlias(record), {
        contentType: 'application/json',
        ...(current ? { ifMatch: current.etag } : { ifNoneMatch: '*' as const }),
      });
      return { alias, etag: written.etag, ...record };
    } catch (err) {
      if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      lastConflict = err;
    }
  }
  throw new PolyfaasError('PreconditionFailed', `Alias ${key} kept changing; gave up after ${options.attempts} attempts`, {
    cause: lastConflict,
    details: { alias, version, attempts: options.attempts },
  });
}

function encodeAlias(record: AliasRecord): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`);
}

function decodeAlias(bytes: Uint8Array, key: string): AliasRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw invalid(key, 'not valid UTF-8 JSON', err);
  }
  const r = parsed as Partial<AliasRecord> | null;
  if (typeof r !== 'object' || r === null || !isVersionId(r.version)) throw invalid(key, 'version is missing or malformed');
  const previous = r.previous ?? null;
  if (previous !== null && !isVersionId(previous)) throw invalid(key, 'previous is malformed');
  if (typeof r.updatedAt !== 'string') throw invalid(key, 'updatedAt is missing');
  // Records written by hand (or by an older writer) may lack history; start one rather than fail.
  const history = Array.isArray(r.history) ? r.history.filter((h) => isVersionId(h?.version) && typeof h.updatedAt === 'string') : [];
  // Signature fields are kept as found; only verification decides whether they mean anything.
  const signed = {
    ...(typeof r.sequence === 'number' ? { sequence: r.sequence } : {}),
    ...(typeof r.signature === 'object' && r.signature !== null ? { signature: r.signature } : {}),
  };
  return { version: r.version, previous, updatedAt: r.updatedAt, history, ...signed };
}

function invalid(key: string, reason: string, cause?: unknown): PolyfaasError {
  return new PolyfaasError('DataLoss', `Alias ${key} is invalid: ${reason}`, { cause, details: { file: key, reason } });
}
