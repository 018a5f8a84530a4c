import { closeSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { link, lstat, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PolyfaasError } from '../../src/index.js';
import { NO_FOLLOW_READ } from './fs-confine.js';
import { errno } from './fs-errors.js';
import { HeldLock } from './held-lock.js';
import { currentHolder, holderIsDead, parseHolder } from './lock-holder.js';

/** Tuning for {@link withKeyLock}. */
export interface KeyLockOptions {
  /** Give up with `Unavailable` after waiting this long. Default 10 s. */
  timeoutMs?: number;
  /**
   * A lock file older than this is presumed abandoned by a crashed process and
   * broken. Commits hold the lock for milliseconds (bodies are streamed before
   * locking), so the default of 10 s leaves a wide margin. This is only the
   * fallback for holders on other hosts (shared file systems): a holder on
   * this host that has died is recognised at once (see lock-holder.ts).
   */
  staleMs?: number;
}

// In-process waiters queue on a promise chain instead of polling the lock file,
// so same-process writers are served in order and without busy waiting.
const chains = new Map<string, Promise<void>>();

/**
 * Run `fn` while holding the write lock at `lockFile`: exclusive among callers
 * in this process (promise chain) and among processes sharing the directory
 * (a lock file that names its holder from the moment it exists: written
 * under a private name, then hard-linked into place, which fails if the lock
 * exists and is atomic on local file systems and on NFSv3+). `fn` may publish the lock file as another file
 * (see {@link HeldLock.publish}); the lock is released when `fn` settles.
 */
export async function withKeyLock<T>(lockFile: string, fn: (lock: HeldLock) => Promise<T>, options: KeyLockOptions = {}): Promise<T> {
  const previous = chains.get(lockFile) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  chains.set(lockFile, tail);
  await previous;
  try {
    const lock = await acquireFileLock(lockFile, options);
    try {
      return await fn(lock);
    } finally {
      lock.release();
    }
  } finally {
    release();
    if (chains.get(lockFile) === tail) chains.delete(lockFile);
  }
}

async function acquireFileLock(lockFile: string, options: KeyLockOptions): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 10_000;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const held = tryCreateLock(lockFile);
    if (held) return held;
    if (await breakIfStale(lockFile, staleMs)) continue;
    if (Date.now() - started > timeoutMs) {
      // No path in the message: it may reach a client. The caller adds the key.
      throw new PolyfaasError('Unavailable', `Timed out after ${timeoutMs} ms waiting for the write lock`);
    }
    // Jittered exponential backoff, capped low: commits are short.
    const cap = Math.min(50, 2 ** Math.min(attempt, 6));
    await new Promise((r) => setTimeout(r, 1 + Math.random() * cap));
  }
}

let attempts = 0;

/**
 * One attempt at taking the lock; undefined if another holder has it.
 *
 * The record of who holds the lock is written to a private file first and
 * only then linked to the lock's name: a lock created empty and filled in
 * afterwards (the obvious `O_EXCL` create) names nobody if its writer is
 * killed in between, and would stall every writer of the key until it went
 * stale. A crash here leaves at most the private `.new` file, which is no lock.
 *
 * Synchronous on purpose: a create, a tiny write, a link and an unlink are
 * cheaper inline than four threadpool round trips (see small-file.ts).
 */
function tryCreateLock(lockFile: string): HeldLock | undefined {
  const holder = currentHolder();
  const draft = `${lockFile}.${holder.nonce}-${(attempts++).toString(36)}.new`;
  let fd: number;
  try {
    // Read-write: the holder may later rewrite the file and publish it (HeldLock.publish).
    fd = openSync(draft, 'wx+');
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
    mkdirSync(path.dirname(lockFile), { recursive: true });
    fd = openSync(draft, 'wx+');
  }
  let taken = false;
  try {
    writeSync(fd, JSON.stringify({ ...holder, time: new Date().toISOString() }));
    linkSync(draft, lockFile);
    taken = true;
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw err;
  } finally {
    if (!taken) closeSync(fd);
    unlinkSync(draft);
  }
  return taken ? new HeldLock(lockFile, fd, holder) : undefined;
}

/** Break a lock whose holder crashed. Returns true if the caller should retry at once. */
async function breakIfStale(lockFile: string, staleMs: number): Promise<boolean> {
  let seen;
  try {
    seen = await lstat(lockFile, { bigint: true });
  } catch (err) {
    if (errno(err) === 'ENOENT') return true;
    throw err;
  }
  const age = Date.now() - Number(seen.mtimeMs);
  if (age < staleMs && !(await lockHolderIsDead(lockFile))) return false;
  // Move the lock aside rather than unlinking it, then check we moved the one we
  // judged stale: another breaker may have replaced it with a live lock meanwhile.
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (err) {
    if (errno(err) === 'ENOENT') return true;
    throw err;
  }
  const moved = await lstat(aside, { bigint: true });
  if (moved.ino !== seen.ino) {
    // Put the live lock back; if someone took the slot already, theirs stands.
    await link(aside, lockFile).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

/**
 * True only when the lock names a holder known to be dead (see
 * {@link holderIsDead}). A lock published as a sidecar still names its
 * holder (HeldLock.publish keeps the record), so a writer killed after
 * publishing is recognised too. Never follows a link planted as the lock.
 */
async function lockHolderIsDead(lockFile: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(lockFile, { encoding: 'utf8', flag: NO_FOLLOW_READ });
  } catch {
    return false;
  }
  const holder = parseHolder(text);
  return holder !== undefined && holderIsDead(holder);
}
