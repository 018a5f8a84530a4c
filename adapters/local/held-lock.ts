import { closeSync, ftruncateSync, linkSync, mkdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PolyfaasError } from '../../src/index.js';
import { errno } from './fs-errors.js';
import type { LockHolder } from './lock-holder.js';
import { renameCreatingParentSync } from './fs-util.js';
import { fsyncFd, unlinkQuietlySync } from './small-file.js';

/**
 * A cross-process lock file this process created and holds open (see
 * `withKeyLock`). Besides being released, its file can be *published*: filled
 * with new content and hard-linked to another path, becoming that file.
 *
 * Why: creating a file (allocating an inode) is by far the most expensive
 * step of a small put, several times a rename or a link. A put needs a lock
 * file and a new sidecar file; publishing the lock file as the sidecar makes
 * that one inode instead of two.
 *
 * Safety: the content is written before the link, so the target path only
 * ever names a complete file (linking, like rename, is atomic). The lock keeps
 * working until release: its name still exists and is unlinked last, and it
 * still names its holder (the content carries the record as `holder`), so a
 * writer killed between publishing and releasing is still recognised as dead.
 */
export class HeldLock {
  private published = false;
  private released = false;

  constructor(
    /** Path of the lock file. */
    readonly path: string,
    private readonly fd: number,
    /** Who holds it, as recorded in the file. */
    readonly holder: LockHolder,
  ) {}

  /**
   * Replace the lock file's content with `record` as JSON plus the lock's
   * `holder` (fsynced when `sync`) and make `target` name it, atomically
   * replacing any file there (via `tempPath` when `target` exists). Creates
   * `target`'s directory if missing. At most once per lock: after this the
   * file belongs to `target`.
   */
  async publish(target: string, tempPath: string, record: Record<string, unknown>, sync: boolean): Promise<void> {
    if (this.published) throw new Error('the lock was already published');
    this.published = true;
    const bytes = Buffer.from(JSON.stringify({ ...record, holder: this.holder }), 'utf8');
    for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(this.fd, bytes, offset, bytes.byteLength - offset, offset);
    ftruncateSync(this.fd, bytes.byteLength);
    if (sync) await fsyncFd(this.fd);
    linkReplacing(this.path, target, tempPath);
  }

  /** Give the lock up. Idempotent. A published file stays at its target. */
  release(): void {
    if (this.released) return;
    this.released = true;
    closeSync(this.fd);
    unlinkQuietlySync(this.path);
  }
}

/**
 * Make `to` another name of `from`. A fresh target takes one `link`; an
 * existing one is replaced atomically by linking to `tempPath` and renaming
 * over it. ENOENT on the first link means `to`'s directory is missing, or the
 * lock was broken as stale and moved away, in which case the retry fails too.
 */
function linkReplacing(from: string, to: string, tempPath: string): void {
  try {
    linkSync(from, to);
    return;
  } catch (err) {
    if (errno(err) === 'ENOENT') {
      mkdirSync(path.dirname(to), { recursive: true });
      try {
        linkSync(from, to);
      } catch (retryErr) {
        if (errno(retryErr) !== 'ENOENT') throw retryErr;
        throw new PolyfaasError('Unavailable', 'The write lock was broken as stale while held; try again', { cause: retryErr });
      }
      return;
    }
    if (errno(err) !== 'EEXIST') throw err;
  }
  try {
    linkSync(from, tempPath);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
    mkdirSync(path.dirname(tempPath), { recursive: true });
    linkSync(from, tempPath);
  }
  try {
    renameCreatingParentSync(tempPath, to);
  } catch (err) {
    unlinkQuietlySync(tempPath);
    throw err;
  }
}
