import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { errno } from './fs-errors.js';

/**
 * Who holds a write lock, as recorded in the lock file (and kept in the
 * sidecar it may be published as; see `HeldLock.publish`).
 */
export interface LockHolder {
  pid: number;
  host: string;
  /** Random per process: tells this process from an earlier one that had the same pid (PID 1 in containers). */
  nonce: string;
  /** The process's start time in clock ticks since boot (Linux), which tells a reused pid from the holder. */
  start?: string;
}

let me: LockHolder | undefined;

/** This process as a lock holder. */
export function currentHolder(): LockHolder {
  if (!me) {
    const start = startTicks(process.pid);
    me = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), ...(start ? { start } : {}) };
  }
  return me;
}

/**
 * The holder recorded in a lock file's text, or undefined if it names none.
 * Accepts a bare record (`{ pid, host, ... }`) and a published sidecar
 * carrying one under `holder`.
 */
export function parseHolder(text: string): Partial<LockHolder> | undefined {
  try {
    const parsed = JSON.parse(text) as { holder?: unknown } & Record<string, unknown>;
    const record = (typeof parsed.holder === 'object' && parsed.holder !== null ? parsed.holder : parsed) as Record<string, unknown>;
    if (typeof record.pid !== 'number' || typeof record.host !== 'string') return undefined;
    return {
      pid: record.pid,
      host: record.host,
      ...(typeof record.nonce === 'string' ? { nonce: record.nonce } : {}),
      ...(typeof record.start === 'string' ? { start: record.start } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * True only when `holder` is certainly gone: a process on this host that no
 * longer exists, or whose pid now belongs to another process (this one with
 * another nonce, or one started at another time). Holders on other hosts
 * (shared file systems) cannot be checked and are never judged dead here;
 * the lock's age decides for them.
 */
export function holderIsDead(holder: Partial<LockHolder>): boolean {
  const self = currentHolder();
  if (holder.host !== self.host || typeof holder.pid !== 'number') return false;
  if (holder.pid === self.pid) return holder.nonce !== undefined && holder.nonce !== self.nonce;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if (errno(err) === 'ESRCH') return true;
    // EPERM: alive, owned by another user; judged by its start time below.
  }
  const start = holder.start === undefined ? undefined : startTicks(holder.pid);
  return start !== undefined && start !== holder.start;
}

/**
 * Field 22 of `/proc/<pid>/stat` (start time since boot, in clock ticks), or
 * undefined where there is no procfs or the process is gone. The command name
 * (field 2) may contain spaces and parentheses, so fields are counted after the last `)`.
 */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
