import { hostname } from 'node:os';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { link, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PolyfaasError } from '../../src/index.js';
import { errno } from './fs-errors.js';
import { HeldLock } from './held-lock.js';
import { unlinkQuietlySync } from './small-file.js';

/** Tuning for {@link withKeyLock}. */
export interface KeyLockOptions {
  /** Give up with `Unavailable` after waiting this long. Default 10 s. */
  timeoutMs?: number;
  /**
   * A lock file older than this is presumed abandoned by a crashed process and
   * broken. Commits hold the lock for milliseconds (bodies are streamed before
   * locking), so the default of 10 s leaves a wide margin.
   */
  staleMs?: number;
}

// In-process waiters queue on a promise chain instead of polling the lock file,
// so same-process writers are served in order and without busy waiting.
const chains = new Map<string, Promise<void>>();

/**
 * Run `fn` while holding the write lock at `lockFile`: exclusive among callers
 * in this process (promise chain) and among processes sharing the directory
 * (a lock file created with `O_CREAT | O_EXCL`, which is atomic on local file
 * systems and on NFSv3+). `fn` may publish the lock file as another file
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
      throw new PolyfaasError('Unavailable', `Timed out after ${timeoutMs} ms waiting for write lock ${lockFile}`);
    }
    // Jittered exponential backoff, capped low: commits are short.
    const cap = Math.min(50, 2 ** Math.min(attempt, 6));
    await new Promise((r) => setTimeout(r, 1 + Math.random() * cap));
  }
}

let host: string | undefined;

/**
 * One attempt at creating the lock file; undefined if another holder has it.
 * Synchronous on purpose: it is a create and a tiny write, cheaper inline than
 * two threadpool round trips (see small-file.ts), and no other work can slip
 * in between the exclusive create and recording who owns the lock.
 */
function tryCreateLock(lockFile: string): HeldLock | undefined {
  let fd: number;
  try {
    // Read-write: the holder may later rewrite the file and publish it (HeldLock.publish).
    fd = openSync(lockFile, 'wx+');
  } catch (err) {
    if (errno(err) === 'EEXIST') return undefined;
    if (errno(err) !== 'ENOENT') throw err;
    mkdirSync(path.dirname(lockFile), { recursive: true });
    return tryCreateLock(lockFile);
  }
  try {
    host ??= hostname();
    writeSync(fd, JSON.stringify({ pid: process.pid, host, time: new Date().toISOString() }));
  } catch (err) {
    // An ownerless lock would block every writer until it goes stale: give it back.
    closeSync(fd);
    unlinkQuietlySync(lockFile);
    throw err;
  }
  return new HeldLock(lockFile, fd);
}

/** Break a lock whose holder crashed. Returns true if the caller should retry at once. */
async function breakIfStale(lockFile: string, staleMs: number): Promise<boolean> {
  let seen;
  try {
    seen = await stat(lockFile, { bigint: true });
  } catch (err) {
    if (errno(err) === 'ENOENT') return true;
    throw err;
  }
  const age = Date.now() - Number(seen.mtimeMs);
  if (age < staleMs && !(await holderIsDead(lockFile))) return false;
  // Move the lock aside rather than unlinking it, then check we moved the one we
  // judged stale: another breaker may have replaced it with a live lock meanwhile.
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (err) {
    if (errno(err) === 'ENOENT') return true;
    throw err;
  }
  const moved = await stat(aside, { bigint: true });
  if (moved.ino !== seen.ino) {
    // Put the live lock back; if someone took the slot already, theirs stands.
    await link(aside, lockFile).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

/**
 * True only when the lock names a process on this host that no longer exists.
 * A lock already published as a sidecar (HeldLock.publish) names no process,
 *  so it is judged by age alone; it is only in that state for the rest of one commit.
 */
async function holderIsDead(lockFile: string): Promise<boolean> {
  try {
    const holder = JSON.parse(await readFile(lockFile, 'utf8')) as { pid?: unknown; host?: unknown };
    if (holder.host !== hostname() || typeof holder.pid !== 'number') return false;
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return errno(err) === 'ESRCH';
  }
}
