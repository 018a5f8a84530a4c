import type { Context } from '../context.js';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import { MAX_KV_TTL_MS } from '../kv/limits.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Logger } from '../logger.js';
import { rejectedEvent } from '../runtime/event-failure.js';
import { defaultIdempotencyKey, defaultPayload, payloadHash } from './payload.js';
import type { IdempotencyRecord } from './record.js';
import { idempotencyRecordKey, parseRecord } from './record.js';
import { decodeResult, encodeResult } from './result-codec.js';
import type { IdempotencyInfo, IdempotencyOptions } from './types.js';

/** How long a completed result is replayed unless the options say otherwise: 1 hour. */
export const DEFAULT_IDEMPOTENCY_EXPIRY_MS = 3_600_000;
/** Longest idempotency key, in UTF-16 units (the function name and a prefix share the store key's 1 KiB). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 512;
/** A waiting duplicate gives up (409) this long before its own deadline, so it answers rather than times out. */
const GIVE_UP_BEFORE_DEADLINE_MS = 150;
const MAX_POLL_MS = 250;

/** What {@link acquire} got: the record to run under, or a stored result to replay. */
type Claim = { kind: 'held'; version: string; token: number } | { kind: 'replay'; result: unknown };

/**
 * Run `work` at most once per idempotency key (the core of `FunctionSpec.idempotency`):
 * 1. claim the key with an `ifAbsent` in-progress record whose lease ends at the
 *    invocation's deadline, when the runtime gives up on it;
 * 2. a duplicate finding a completed record replays its result; one finding a live
 *    lease waits for it (a record without a lease is live until it expires: it is never
 *    presumed abandoned, powertools-lambda-typescript #5678); one finding an expired lease
 *    takes over by compare-and-swap on the version it read, with the fencing token + 1,
 *    so recovering a stale record can never overwrite a live or completed one (#5714);
 * 3. the holder writes the result by compare-and-swap on its own version: a holder whose
 *    lease was taken over cannot overwrite its successor's record;
 * 4. a failed `work` deletes its own record (again only its version) so a retry runs.
 * The same key with a different payload is `InvalidArgument`, never retried.
 */
export async function runIdempotently(
  fnName: string,
  options: IdempotencyOptions<unknown>,
  event: unknown,
  ctx: Context<unknown>,
  work: (info: IdempotencyInfo) => unknown,
): Promise<unknown> {
  const key = (options.key ?? defaultIdempotencyKey)(event);
  if (key === undefined || key === '') {
    if (options.required) throw rejectedEvent('InvalidArgument', `${fnName} needs an idempotency key`);
    return work({ key: '', fencingToken: 0 });
  }
  if (typeof key !== 'string' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw rejectedEvent('InvalidArgument', `An idempotency key must be a string of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  const store = typeof options.store === 'string' ? ctx.kv(options.store) : options.store;
  const guard = new Guard(store, idempotencyRecordKey(fnName, key), payloadHash((options.payload ?? defaultPayload)(event)), options.expiresAfterMs ?? DEFAULT_IDEMPOTENCY_EXPIRY_MS, ctx);
  const claim = await guard.acquire();
  if (claim.kind === 'replay') {
    ctx.log.info('idempotency: replayed a stored result', { key });
    return claim.result;
  }
  let result: unknown;
  try {
    result = await work({ key, fencingToken: claim.token });
  } catch (err) {
    await guard.release(claim.version);
    throw err;
  }
  return guard.complete(claim.version, claim.token, result);
}

/** One key's record in one store, as seen by one invocation. */
class Guard {
  constructor(
    private readonly store: KeyValueStore,
    private readonly recordKey: string,
    private readonly hash: string,
    private readonly expiresAfterMs: number,
    private readonly ctx: Context<unknown>,
  ) {}

  /** The invocation's logger, only when there is something to say: making it costs more than a fast store's write. */
  private get log(): Logger {
    return this.ctx.log;
  }

  async acquire(): Promise<Claim> {
    // Claim with a write only when the key looks free: duplicates waiting on a holder only read (writes cost more, on every backend).
    let free = true;
    for (let attempt = 0; ; attempt++) {
      if (free) {
        const claimed = await this.write({ status: 'in-progress', hash: this.hash, token: 1, leaseUntil: this.ctx.deadline }, { ifAbsent: true });
        if (claimed) return { kind: 'held', version: claimed, token: 1 };
      }
      const started = performance.now();
      const entry = await this.store.get(this.recordKey);
      free = !entry;
      if (!entry) continue; // expired or released since: claim again
      const record = parseRecord(entry.value);
      if (record.hash !== this.hash) {
        throw rejectedEvent('InvalidArgument', 'This idempotency key was already used with a different payload');
      }
      if (record.status === 'completed') return { kind: 'replay', result: decodeResult(record.result) };
      if (record.leaseUntil !== undefined && record.leaseUntil <= Date.now()) {
        const token = record.token + 1;
        const taken = await this.write({ status: 'in-progress', hash: this.hash, token, leaseUntil: this.ctx.deadline }, { ifVersion: entry.version });
        if (taken) {
          this.log.warn('idempotency: took over an expired lease', { key: this.recordKey, token });
          return { kind: 'held', version: taken, token };
        }
        continue; // someone else took it over or finished: look again
      }
      await this.wait(attempt, record.leaseUntil, performance.now() - started);
    }
  }

  /** Store the result over our own version only; if our lease was taken over, leave the successor's record alone. */
  async complete(version: string, token: number, result: unknown): Promise<unknown> {
    let stored;
    try {
      stored = encodeResult(result);
    } catch (err) {
      await this.release(version);
      throw err;
    }
    const written = await this.write({ status: 'completed', hash: this.hash, token, result: stored }, { ifVersion: version, ttlMs: this.expiresAfterMs }).catch(async (err: unknown) => {
      await this.release(version);
      throw err;
    });
    if (written) return result;
    const now = await this.store.get(this.recordKey);
    const record = now ? parseRecord(now.value) : undefined;
    this.log.warn('idempotency: lease was taken over; result not stored', { key: this.recordKey, token, current: record?.token });
    return record?.status === 'completed' && record.hash === this.hash ? decodeResult(record.result) : result;
  }

  /** Delete our own record (only our version), so a retry can run; a failure to do so only delays it to the lease's end. */
  async release(version: string): Promise<void> {
    try {
      await this.store.delete(this.recordKey, { ifVersion: version });
    } catch (err) {
      if (!isPolyfaasError(err, 'PreconditionFailed')) this.log.warn('idempotency: could not release the record', { key: this.recordKey, err });
    }
  }

  /** A conditional put; the new version, or `undefined` when the condition failed. */
  private async write(record: IdempotencyRecord, options: { ifAbsent?: true; ifVersion?: string; ttlMs?: number }): Promise<string | undefined> {
    // An in-progress record lives past its lease by the expiry, so a dead holder's record is still seen (and taken over) rather than gone.
    const ttlMs = options.ttlMs ?? Math.min(MAX_KV_TTL_MS, Math.max(1, this.ctx.deadline - Date.now()) + this.expiresAfterMs);
    try {
      return (await this.store.put(this.recordKey, record, { ...options, ttlMs })).version;
    } catch (err) {
      if (isPolyfaasError(err, 'PreconditionFailed')) return undefined;
      throw err;
    }
  }

  /**
   * Poll again after a jittered delay that grows with the attempt and with the
   * store's own round trip (many waiters on a slow store back off further, as
   * `backoff` does for CAS loops), never past the lease's end; give up (409)
   * before our own deadline.
   */
  private async wait(attempt: number, leaseUntil: number | undefined, roundTripMs: number): Promise<void> {
    const remaining = this.ctx.deadline - Date.now();
    const delay = Math.min(MAX_POLL_MS, Math.max(5, roundTripMs) * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
    if (remaining - delay < GIVE_UP_BEFORE_DEADLINE_MS) {
      throw new PolyfaasError('AlreadyExists', 'A request with this idempotency key is still in progress; retry later');
    }
    const untilLease = leaseUntil === undefined ? delay : Math.max(1, leaseUntil - Date.now() + 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, untilLease)));
  }
}
