import { hostname } from 'node:os';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PolyfaasError } from '../../src/index.js';
import { errno } from './fs-errors.js';
import { unlinkQuietly } from './fs-util.js';

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
 * systems and on NFSv3+).
 */
export async function withKeyLock<T>(lockFile: string, fn: () => Promise<T>, options: KeyLockOptions = {}): Promise<T> {
  const previous = chains.get(lockFile) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  chains.set(lockFile, tail);
  await previous;
  try {
    await acquireFileLock(lockFile, options);
    try {
      return await fn();
    } finally {
      await unlinkQuietly(lockFile);
    }
  } finally {
    release();
    if (chains.get(lockFile) === tail) chains.delete(lockFile);
  }
}

async function acquireFileLock(lockFile: string, options: KeyLockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 10_000;
  const started = Date.now();
  const owner = JSON.stringify({ pid: process.pid, host: hostname(), time: new Date().toISOString() });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(owner, 'utf8');
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      const code = errno(err);
      if (code === 'ENOENT') {
        await mkdir(path.dirname(lockFile), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw err;
    }
    if (await breakIfStale(lockFile, staleMs)) continue;
    if (Date.now() - started > timeoutMs) {
      throw new PolyfaasError('Unavailable', `Timed out after ${timeoutMs} ms waiting for write lock ${lockFile}`);
    }
    // Jittered exponential backoff, capped low: commits are short.
    const cap = Math.min(50, 2 ** Math.min(attempt, 6));
    await new Promise((r) => setTimeout(r, 1 + Math.random() * cap));
  }
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

/** True only when the lock names a process on this host that no longer exists. */
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
