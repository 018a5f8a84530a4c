import { mkdirSync, renameSync } from 'node:fs';
import { mkdir, open, rmdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errno } from './fs-errors.js';

/**
 * Make a rename or unlink in `dir` durable. Best effort: some platforms
 * (Windows) cannot open directories, and losing durability there is better
 * than failing the write.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Durability of the directory entry is a bonus, not a requirement.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Create a new file, creating its directory only when missing (saves a syscall per write). */
export async function openExclusive(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'wx');
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
    await mkdir(path.dirname(file), { recursive: true });
    return await open(file, 'wx');
  }
}

/**
 * `rename`, creating the target's parent when it is missing. Retries when the
 * parent vanishes in between, since a concurrent delete prunes empty
 * directories. Synchronous: one metadata syscall, cheaper inline than a
 * threadpool round trip (see small-file.ts).
 */
export function renameCreatingParentSync(from: string, to: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (err) {
      if (errno(err) !== 'ENOENT' || attempt >= 5) throw err;
      mkdirSync(path.dirname(to), { recursive: true });
    }
  }
}

/** Unlink, treating "already gone" as success. */
export async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
}

/**
 * Remove now-empty directories from `dir` upwards, stopping below `root`
 * (which is never removed) or at the first directory that still has entries.
 */
export async function removeEmptyParents(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current !== root && current.startsWith(root + path.sep)) {
    try {
      await rmdir(current);
    } catch {
      // Not empty, already gone, or busy: a concurrent writer may be using it, so stop here.
      return;
    }
    current = path.dirname(current);
  }
}
