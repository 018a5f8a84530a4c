import type { BigIntStats } from 'node:fs';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errno, isMissing } from './fs-errors.js';

/**
 * Flags that make an open refuse a link as its last component (`O_NOFOLLOW`,
 * ELOOP) and never block on a FIFO planted where a file was expected
 * (`O_NONBLOCK`, a no-op for regular files). Both are 0 where the platform
 * lacks them (Windows), which falls back to the lstat checks alone.
 */
export const NO_FOLLOW_READ = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Linux names every open descriptor's real path here; elsewhere opened files are checked by lstat only. */
const PROC_FD = existsSync('/proc/self/fd') ? '/proc/self/fd' : undefined;

/**
 * The error every confinement check throws for a link: `ELOOP`, the same code
 * the kernel gives an `O_NOFOLLOW` open of a link, so callers handle one code.
 * The message is generic on purpose (no path): callers wrap it with the key.
 */
export function linkRefused(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('refusing to follow a symbolic link inside the bucket root');
  err.code = 'ELOOP';
  return err;
}

/** True for the error a confinement check (or an `O_NOFOLLOW` open) throws on a link. */
export function isLinkRefused(err: unknown): boolean {
  return errno(err) === 'ELOOP';
}

/**
 * Keeps every file operation of a bucket inside its root directory: no
 * symbolic link below the root is ever followed (the root itself may be a
 * link; the operator chose it). Checks are synchronous lstat calls, one per
 * path segment, made right before the operation they guard.
 *
 * Node has no `openat`, so a check and the operation after it are two path
 * walks, and an attacker who can write inside the root could swap a
 * directory for a link in between. On Linux that gap is closed where it
 * matters: reads check the opened descriptor's real path after the open
 * ({@link openForRead}), and renames and unlinks go through a descriptor of
 * the directory, checked the same way ({@link inDir}). Creating new files
 * (temp bodies, lock drafts) is only lstat-checked; `O_EXCL` keeps those from
 * ever replacing an existing file.
 */
export class Confinement {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  /**
   * True if every directory along `segments` (relative to the root) exists
   * and is a real directory; false at the first one missing or not a
   * directory (nothing can be there). Throws {@link linkRefused} at a link.
   */
  dirsAreReal(segments: readonly string[]): boolean {
    let dir = this.root;
    for (const segment of segments) {
      dir = path.join(dir, segment);
      const stats = lstatQuietlySync(dir);
      if (stats?.isSymbolicLink()) throw linkRefused();
      if (!stats?.isDirectory()) return false;
    }
    return true;
  }

  /**
   * Make every directory along `segments` exist as a real directory, one
   * level at a time, each checked with lstat before descending (a recursive
   * mkdir would follow a planted link). Throws {@link linkRefused} at a link
   * and an `ENOTDIR` error where a file stands in the way.
   */
  makeRealDirs(segments: readonly string[]): void {
    let dir = this.root;
    for (const segment of segments) {
      dir = path.join(dir, segment);
      let stats = lstatQuietlySync(dir);
      if (!stats) {
        mkdirQuietly(dir, dir === path.join(this.root, segments[0] ?? '') ? this.root : undefined);
        stats = lstatQuietlySync(dir);
      }
      if (stats?.isSymbolicLink()) throw linkRefused();
      if (!stats?.isDirectory()) throw notADirectory();
    }
  }

  /**
   * Run `fn` with a path that names the directory at `segments` (relative to
   * the root) itself, whatever happens to the path afterwards: on Linux
   * `/proc/self/fd/<n>` of a descriptor opened without following a final link
   * and whose real path was checked to lie under the root, so a rename or
   * unlink through it cannot land outside. Elsewhere, the directory's path
   * after the lstat checks of {@link dirsAreReal}. Throws {@link linkRefused}
   * when the directory is or lies under a link; ENOENT when it is missing.
   */
  inDir<T>(segments: readonly string[], fn: (dir: string) => T): T {
    const dir = path.join(this.root, ...segments);
    if (!PROC_FD) {
      if (!this.dirsAreReal(segments)) throw Object.assign(new Error('directory missing'), { code: 'ENOENT' });
      return fn(dir);
    }
    let fd: number;
    try {
      fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | (constants.O_NOFOLLOW ?? 0));
    } catch (err) {
      // Linux answers ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY | O_NOFOLLOW.
      if (errno(err) === 'ENOTDIR' && lstatQuietlySync(dir)?.isSymbolicLink()) throw linkRefused();
      throw err;
    }
    try {
      this.assertUnderRoot(fd, true);
      return fn(`${PROC_FD}/${fd}`);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Open `file` (under the root, its directories already checked) for
   * reading without following a link, then make sure the opened file really
   * lies under the root: closes the gap between the directory checks and the
   * open on Linux. Throws {@link linkRefused} for a link; ENOENT as open does.
   */
  async openForRead(file: string): Promise<FileHandle> {
    const handle = await open(file, NO_FOLLOW_READ);
    try {
      this.assertUnderRoot(handle.fd, false);
      return handle;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Throw {@link linkRefused} unless the open descriptor's real path lies under the root (or is it, if `rootOk`). */
  private assertUnderRoot(fd: number, rootOk: boolean): void {
    if (!PROC_FD) return;
    const real = readlinkSync(`${PROC_FD}/${fd}`);
    this.realRoot ??= realpathSync(this.root);
    if (!real.startsWith(this.realRoot + path.sep) && !(rootOk && real === this.realRoot)) throw linkRefused();
  }
}

/** `lstat`, undefined when nothing is there (also when a parent is a file). */
export function lstatQuietlySync(file: string): BigIntStats | undefined {
  try {
    return lstatSync(file, { bigint: true, throwIfNoEntry: false });
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Create one directory (`root`, the operator's own path, recursively when it is missing too). */
function mkdirQuietly(dir: string, root: string | undefined): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if (errno(err) === 'EEXIST') return;
    if (errno(err) !== 'ENOENT' || root === undefined) throw err;
    mkdirSync(root, { recursive: true });
    mkdirQuietly(dir, undefined);
  }
}

function notADirectory(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('a file stands where a directory is needed');
  err.code = 'ENOTDIR';
  return err;
}
