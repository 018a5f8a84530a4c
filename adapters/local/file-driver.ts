import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { renameSync } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BucketObject, BucketObjectStream, ErrorCode, ListPage, ObjectInfo } from '../../src/index.js';
import type { BucketDriver, DriverPutOptions, FillingReader } from '../../src/adapter.js';
import { mapLimit, PolyfaasError } from '../../src/index.js';
import { decodeCursor, encodeCursor } from '../../src/adapter.js';
import { classifyFsError, errno, isMissing } from './fs-errors.js';
import { DirSyncer } from './dir-sync.js';
import { Confinement, isLinkRefused, linkRefused, lstatQuietlySync } from './fs-confine.js';
import { removeEmptyParents, unlinkQuietly } from './fs-util.js';
import type { HeldLock } from './held-lock.js';
import { withKeyLock } from './key-lock.js';
import type { KeyLockOptions } from './key-lock.js';
import { assertUserKey, FileLayout } from './layout.js';
import type { MetaEntry, Sidecar } from './sidecar.js';
import { matchEntry, readSidecar, readSidecarSync, synthesizeEntry, toObjectInfo } from './sidecar.js';
import { unlinkQuietlySync } from './small-file.js';
import { walkKeys } from './file-walk.js';
import type { TempBody } from './temp-body.js';
import { writeTempBody } from './temp-body.js';

/** `getFilling` reads this much per call: few enough calls to cost nothing, small enough to overlap the caller's work. */
const FILLING_READ_BYTES = 1024 * 1024;

/** The largest object `get` reads whole: `readFile`'s limit; larger ones are read with `getStream`. */
const WHOLE_READ_MAX_BYTES = 2 ** 31 - 1;

/** Reads retry this many times while writers keep replacing the object, then fail with `Unavailable`. */
const MAX_LOOKS = 10;

/** Temp files untouched this long belong to a crashed writer and are swept. */
const ABANDONED_TEMP_MS = 60 * 60 * 1000;

/** How error messages name the bucket: never by its path, which is the server's business, not the caller's. */
const LABEL = 'file bucket';

/** An object's bytes on disk and the metadata entry that describes them. */
interface Located {
  stats: BigIntStats;
  entry: MetaEntry;
}

/**
 * Objects as files under a root directory (see {@link FileLayout} for the
 * layout). Writes stream to a temp file, fsync, then rename into place, so
 * readers and crashes only ever see whole objects. Writers of one key take a
 * lock that is exclusive within the process and across processes, which makes
 * `ifNoneMatch` and `ifMatch` race-free.
 *
 * Confinement: no symbolic link below the root is ever followed, whether in a
 * key's path or in the `.polyfaas` metadata area (see {@link Confinement});
 * such keys answer `Forbidden` and listings skip them. Error messages name the
 * key only: the root's path stays in the error's `cause`, for the log.
 */
export class FileDriver implements BucketDriver {
  readonly name: string;
  private readonly layout: FileLayout;
  private readonly confine: Confinement;
  private readonly dirSyncer = new DirSyncer();
  private sweptTemps = false;

  constructor(
    root: string,
    name: string,
    /** fsync bodies, sidecars and directories so commits survive power loss, not only process crashes. */
    private readonly durable = true,
    private readonly lockOptions: KeyLockOptions = {},
  ) {
    this.layout = new FileLayout(root);
    this.confine = new Confinement(root);
    this.name = name;
  }

  async head(key: string): Promise<ObjectInfo> {
    assertUserKey(key);
    return this.guard('head', key, async () => {
      const found = await this.locate(key);
      if (!found) throw this.notFound(key);
      return toObjectInfo(key, found.entry);
    });
  }

  async get(key: string): Promise<BucketObject> {
    return this.guard('get', key, async () => {
      const { handle, entry } = await this.openObject(key);
      try {
        assertWholeReadable(key, entry.size);
        const bytes = await handle.readFile();
        return { ...toObjectInfo(key, entry), body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * `get` in 1 MiB reads into one buffer, the next read in flight on libuv's
   * threads while `onBytes` works on what is in (see `Bucket.getFilling`).
   */
  async getFilling(key: string, onBytes: FillingReader): Promise<BucketObject> {
    return this.guard('get', key, async () => {
      const { handle, entry } = await this.openObject(key);
      try {
        assertWholeReadable(key, entry.size);
        // Not zero-filled: only bytes below `filled`, all read from the file, are ever handed on.
        const object: BucketObject = { ...toObjectInfo(key, entry), body: new Uint8Array(Buffer.allocUnsafeSlow(entry.size).buffer, 0, entry.size) };
        const { body, size } = object;
        let filled = 0;
        let reading = size > 0 ? handle.read(body, 0, Math.min(FILLING_READ_BYTES, size), 0) : undefined;
        try {
          while (reading) {
            const { bytesRead } = await reading;
            // The handle pins the version `entry` describes: it cannot shrink under us unless edited in place by hand.
            if (bytesRead === 0) throw new PolyfaasError('DataLoss', `${key} ended after ${filled} of its ${size} bytes: the file was cut while being read`);
            filled += bytesRead;
            reading = filled < size ? handle.read(body, filled, Math.min(FILLING_READ_BYTES, size - filled), filled) : undefined;
            if (reading) await onBytes(object, filled);
          }
        } catch (err) {
          // The reader refused while the next read was under way: let it land (or fail unheard) before the handle closes.
          await reading?.catch(() => undefined);
          throw err;
        }
        await onBytes(object, filled);
        return object;
      } finally {
        await handle.close();
      }
    });
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    return this.guard('getStream', key, async () => {
      const { handle, entry } = await this.openObject(key);
      // The open handle pins the version we described until the stream closes.
      return { ...toObjectInfo(key, entry), body: handle.createReadStream() };
    });
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    assertUserKey(key);
    // A refused or failed put never leaves the caller's stream half-read and open.
    try {
      return await this.guard('put', key, () => this.putConfined(key, body, options));
    } catch (err) {
      if (!(body instanceof Uint8Array) && !body.destroyed) body.destroy();
      throw err;
    }
  }

  private async putConfined(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    // A link in the key's path is refused before a byte of the body is read.
    this.confine.dirsAreReal(this.layout.objectDirs(key));
    // Fail fast, before streaming a body that could never be committed (put destroys it); re-checked under the lock.
    if (options.ifNoneMatch !== undefined || options.ifMatch !== undefined) {
      this.checkPreconditions(key, await this.locate(key), options);
    }
    this.sweepAbandonedTemps();
    this.confine.makeRealDirs(this.layout.tmpDirs);
    const temp = await writeTempBody(this.layout.tempPath('body'), body, this.durable);
    let info: ObjectInfo;
    try {
      this.confine.makeRealDirs(this.layout.lockDirs);
      info = await withKeyLock(this.layout.lockPath(key), (lock) => this.commit(key, temp, options, lock), this.lockOptions);
    } catch (err) {
      await unlinkQuietly(temp.path).catch(() => undefined);
      throw err;
    }
    // Make the rename durable (POSIX: only a directory fsync does). Outside the
    // lock: the commit is already visible; only this caller waits for the disk,
    // and concurrent puts into one directory share the fsync (see DirSyncer).
    // The sidecar's link into the meta directory happened earlier and is not
    // fsynced separately: journaling file systems such as ext4 and XFS commit
    // metadata operations in order, so this fsync covers it too (an assumption
    // the driver has always made; one more fsync per put would drop it).
    if (this.durable) await this.dirSyncer.sync(path.dirname(this.layout.objectPath(key)));
    return info;
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    return this.guard('list', options.prefix, () => this.listConfined(options));
  }

  private async listConfined(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : '';
    const files: { key: string }[] = [];
    let more = false;
    for await (const file of walkKeys(this.layout.root, options.prefix, after)) {
      if (files.length === options.pageSize) {
        more = true;
        break;
      }
      files.push(file);
    }
    // Files deleted since the directory was read are skipped, not reported as errors.
    const located = await mapLimit(files, 16, async (f) => {
      let found: Located | undefined;
      try {
        found = await this.locate(f.key);
      } catch (err) {
        // Became a link (or moved under one) since the directory was read: not an object.
        if (isLinkRefused(err)) return undefined;
        throw err;
      }
      return found ? toObjectInfo(f.key, found.entry) : undefined;
    });
    const objects = located.filter((info): info is ObjectInfo => info !== undefined);
    const last = files[files.length - 1];
    return more && last ? { objects, cursor: encodeCursor(last.key) } : { objects };
  }

  async delete(key: string): Promise<void> {
    assertUserKey(key);
    return this.guard('delete', key, () => this.deleteConfined(key));
  }

  private async deleteConfined(key: string): Promise<void> {
    const target = this.layout.objectPath(key);
    const metaPath = this.layout.metaPath(key);
    const dirs = this.layout.objectDirs(key);
    /** The key's own file, only if it is a regular file reached through real directories. */
    const ownFile = () => {
      if (!this.confine.dirsAreReal(dirs)) return undefined;
      const stats = lstatQuietlySync(target);
      if (stats?.isSymbolicLink()) throw linkRefused();
      return stats?.isFile() ? stats : undefined;
    };
    const hasSidecar = () => this.confine.dirsAreReal(this.layout.metaDirs(key)) && lstatQuietlySync(metaPath) !== undefined;
    // Nothing to delete: skip the lock (and creating lock dirs in a bucket that may not exist yet).
    if (!ownFile() && !hasSidecar()) return;
    this.confine.makeRealDirs(this.layout.lockDirs);
    await withKeyLock(
      this.layout.lockPath(key),
      async () => {
        // Re-checked under the lock, and each unlink goes through a checked descriptor of its directory.
        // Bytes first: once they are gone the object is gone, whatever happens to the sidecar.
        if (ownFile()) this.confine.inDir(dirs, (d) => unlinkQuietlySync(path.join(d, lastSegment(key))));
        if (hasSidecar()) this.confine.inDir(this.layout.metaDirs(key), (d) => unlinkQuietlySync(path.join(d, path.basename(metaPath))));
      },
      this.lockOptions,
    );
    if (this.durable) await this.dirSyncer.sync(path.dirname(target));
    await removeEmptyParents(path.dirname(target), this.layout.root);
  }

  classifyError(err: unknown): ErrorCode | undefined {
    return classifyFsError(err);
  }

  /**
   * Check preconditions and make `temp` the object at `key`. Runs under the
   * key's lock, so no other writer can commit in between its steps.
   *
   * Every step here is a metadata syscall on a tiny file, so they run
   * synchronously (see small-file.ts); only the sidecar's fsync (durable mode)
   * goes to the threadpool. The new sidecar is the lock file itself, published
   * (see {@link HeldLock.publish}): one file created per commit instead of two.
   */
  private async commit(key: string, temp: TempBody, options: DriverPutOptions, lock: HeldLock): Promise<ObjectInfo> {
    const target = this.layout.objectPath(key);
    const metaPath = this.layout.metaPath(key);
    const current = this.locateLocked(key, target);
    this.checkPreconditions(key, current, options);
    this.confine.makeRealDirs(this.layout.metaDirs(key));
    const entry: MetaEntry = {
      ino: temp.stats.ino.toString(),
      // Content hash plus a per-write nonce: rewriting identical bytes still yields a new etag.
      etag: `${temp.sha256.slice(0, 32)}-${randomBytes(4).toString('hex')}`,
      size: temp.size,
      contentType: options.contentType,
      metadata: { ...options.metadata },
      lastModified: new Date().toISOString(),
    };
    const sidecar: Sidecar = { v: 1, key, current: entry, ...(current ? { previous: current.entry } : {}) };
    // Sidecar first, bytes second: until the bytes land, `previous` still describes what is on disk.
    await lock.publish(metaPath, this.layout.tempPath('meta'), { ...sidecar }, this.durable);
    try {
      this.renameConfined(key, temp.path);
    } catch (err) {
      // Nothing was at the key: drop the sidecar that now describes no file (with
      // an object in place, `previous` keeps describing it and the sidecar stays valid).
      if (!current) unlinkQuietlySync(metaPath);
      if (['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(errno(err) ?? '')) throw this.clash(key, err);
      throw err;
    }
    return toObjectInfo(key, entry);
  }

  /**
   * Rename `from` to the object path of `key` after making sure every
   * directory on the way is real (created one level at a time when missing).
   * The rename itself replaces a link at the target rather than following it,
   * but {@link locateLocked} already refused that case. Retries when a
   * concurrent delete prunes a directory in between.
   */
  private renameConfined(key: string, from: string): void {
    const dirs = this.layout.objectDirs(key);
    const name = lastSegment(key);
    for (let attempt = 1; ; attempt++) {
      this.confine.makeRealDirs(dirs);
      try {
        // Through a checked descriptor of the directory: a link swapped in after the checks cannot redirect it.
        this.confine.inDir(dirs, (dir) => renameSync(from, path.join(dir, name)));
        return;
      } catch (err) {
        if (errno(err) !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
  }

  /**
   * The object at `key` as {@link locate} finds it, in one synchronous attempt:
   * under the key's lock no writer can commit between the stat and the sidecar
   * read, so the retry {@link locate} needs is unnecessary. Throws the
   * file/directory clash when the key's path is a directory (`a` while `a/b`
   * exists), before anything is written.
   */
  private locateLocked(key: string, target: string): Located | undefined {
    if (!this.confine.dirsAreReal(this.layout.objectDirs(key))) return undefined;
    const stats = lstatQuietlySync(target);
    if (stats?.isSymbolicLink()) throw linkRefused();
    if (stats?.isDirectory()) throw this.clash(key);
    if (!stats?.isFile()) return undefined;
    const entry = matchEntry(readSidecarSync(this.layout.metaPath(key), key), stats);
    return { stats, entry: entry ?? synthesizeEntry(stats) };
  }

  private checkPreconditions(key: string, current: Located | undefined, options: DriverPutOptions): void {
    if (options.ifNoneMatch === '*' && current) throw this.preconditionFailed(key, 'it already exists');
    if (options.ifMatch !== undefined && current?.entry.etag !== options.ifMatch) {
      throw this.preconditionFailed(key, current ? `its etag is not ${options.ifMatch}` : 'it does not exist');
    }
  }

  /**
   * Find the object at `key` and the sidecar entry that matches its bytes
   * (see {@link describe}); undefined if there is no file at the key.
   */
  private async locate(key: string): Promise<Located | undefined> {
    const target = this.layout.objectPath(key);
    for (let attempt = 1; attempt <= MAX_LOOKS; attempt++) {
      if (!this.confine.dirsAreReal(this.layout.objectDirs(key))) return undefined;
      const stats = await lstatQuietly(target);
      if (stats?.isSymbolicLink()) throw linkRefused();
      if (!stats?.isFile()) return undefined;
      const entry = await this.describe(key, target, stats);
      if (entry) return { stats, entry };
      await backoff(attempt);
    }
    throw this.keptChanging(key);
  }

  /**
   * Open the object's file and find the entry describing the opened bytes.
   *
   * Open first, then read the sidecar: the handle pins one version (a put
   * renames a new file over the path, but this inode stays readable), and a
   * commit racing the sidecar read still leaves that version described, as the
   * new sidecar's `previous`. Only two or more commits during one sidecar read
   * force another look.
   */
  private async openObject(key: string): Promise<{ handle: FileHandle; entry: MetaEntry }> {
    assertUserKey(key);
    const file = this.layout.objectPath(key);
    for (let attempt = 1; attempt <= MAX_LOOKS; attempt++) {
      let handle: FileHandle;
      try {
        if (!this.confine.dirsAreReal(this.layout.objectDirs(key))) throw this.notFound(key);
        handle = await this.confine.openForRead(file);
      } catch (err) {
        if (isMissing(err) || errno(err) === 'EISDIR') throw this.notFound(key);
        throw err;
      }
      let entry: MetaEntry | undefined;
      try {
        const stats = await handle.stat({ bigint: true });
        if (!stats.isFile()) throw this.notFound(key);
        entry = await this.describe(key, file, stats);
      } finally {
        if (!entry) await handle.close();
      }
      if (entry) return { handle, entry };
      await backoff(attempt);
    }
    throw this.keptChanging(key);
  }

  /**
   * The metadata of the file at `file` whose stats are `stats`, or undefined
   * if a writer replaced it meanwhile (the caller looks again).
   *
   * Writers publish the sidecar (`current` new, `previous` what is on disk)
   * before renaming the bytes, one commit at a time under the key's lock. So a
   * sidecar describing neither `current` nor `previous` = these bytes means one
   * of two things, told apart by whether the file is still at its path:
   * - it was replaced: at least two commits ran since we looked, look again;
   * - it is still there: the sidecar really is about other bytes (the file was
   *   copied in or edited by hand, or a crash lost a commit), so synthesize.
   * Synthesizing only in the second case means a reader racing busy writers
   * never gets made-up metadata for real, committed bytes.
   */
  private async describe(key: string, file: string, stats: BigIntStats): Promise<MetaEntry | undefined> {
    const sidecar = await readSidecar(this.layout.metaPath(key), key);
    const entry = matchEntry(sidecar, stats);
    if (entry) return entry;
    if (!sidecar) return synthesizeEntry(stats);
    const now = await lstatQuietly(file);
    return now && sameVersion(now, stats) ? synthesizeEntry(stats) : undefined;
  }

  /**
   * Remove temp files and lock drafts (see key-lock.ts) left by crashed
   * writers, once per driver, in the background.
   */
  private sweepAbandonedTemps(): void {
    if (this.sweptTemps) return;
    this.sweptTemps = true;
    const sweep = async (dirs: readonly string[], wanted: (name: string) => boolean) => {
      // Never sweep through a planted link: that would delete old files wherever it points.
      if (!this.confine.dirsAreReal(dirs)) return;
      const dir = path.join(this.layout.root, ...dirs);
      for (const name of (await readdir(dir)).filter(wanted)) {
        const file = path.join(dir, name);
        const stats = await lstat(file).catch(() => undefined);
        if (stats?.isFile() && Date.now() - stats.mtimeMs > ABANDONED_TEMP_MS) await unlink(file).catch(() => undefined);
      }
    };
    void sweep(this.layout.tmpDirs, () => true).catch(() => undefined);
    void sweep(this.layout.lockDirs, (name) => name.endsWith('.new')).catch(() => undefined);
  }

  /**
   * Run one operation on `key` (or a listing prefix), turning whatever the
   * file system throws into a coded error whose message names the key only:
   * Node's own messages carry absolute paths, which stay in `cause`.
   */
  private async guard<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof PolyfaasError) {
        // Errors from the lock layer know no key; name it (their messages carry no path).
        if (err.details?.key !== undefined) throw err;
        throw new PolyfaasError(err.code, `${LABEL}: ${op} ${key}: ${err.message}`, { details: { ...err.details, key }, cause: err });
      }
      if (isLinkRefused(err)) throw this.forbidden(op, key, err);
      const code = classifyFsError(err) ?? 'Internal';
      throw new PolyfaasError(code, `${LABEL}: ${op} ${key} failed (${errno(err) ?? 'error'})`, { details: { key }, cause: err });
    }
  }

  private forbidden(op: string, key: string, cause: unknown): PolyfaasError {
    return new PolyfaasError(
      'Forbidden',
      `${LABEL}: refusing to ${op} ${key}: a symbolic link lies on its path (file buckets never follow links)`,
      { details: { key }, cause },
    );
  }

  private keptChanging(key: string): PolyfaasError {
    return new PolyfaasError('Unavailable', `${LABEL}: ${key} kept changing while being read; try again`, { details: { key } });
  }

  private notFound(key: string): PolyfaasError {
    return new PolyfaasError('NotFound', `${LABEL}: no object ${key}`, { details: { key } });
  }

  private preconditionFailed(key: string, why: string): PolyfaasError {
    return new PolyfaasError('PreconditionFailed', `${LABEL}: not writing ${key}: ${why}`, { details: { key } });
  }

  private clash(key: string, cause?: unknown): PolyfaasError {
    return new PolyfaasError(
      'AlreadyExists',
      `${LABEL}: cannot store ${key}: a file bucket cannot hold a key that is also a prefix of another key ("a" and "a/b")`,
      { details: { key }, cause },
    );
  }
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

async function lstatQuietly(file: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(file, { bigint: true });
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/**
 * Same file, same version: inode numbers are reused once freed, so a
 * replacement could carry the old number; it cannot also carry the old ctime
 * (set by the rename that put it in place) and size.
 */
function sameVersion(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.ctimeNs === b.ctimeNs;
}

/** Wait a little longer after each look that found the object changing (1, 2, 4, 4... ms). */
function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(4, 2 ** (attempt - 1))));
}

function assertWholeReadable(key: string, size: number): void {
  if (size > WHOLE_READ_MAX_BYTES) {
    throw new PolyfaasError('PayloadTooLarge', `${key} is ${size} bytes, more than a whole read holds (${WHOLE_READ_MAX_BYTES}); read it with getStream`);
  }
}
