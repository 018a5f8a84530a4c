import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BucketDriver, BucketObject, BucketObjectStream, DriverPutOptions, ErrorCode, ListPage, ObjectInfo } from '../../src/index.js';
import { decodeCursor, encodeCursor, PolyfaasError } from '../../src/index.js';
import { classifyFsError, errno, isMissing } from './fs-errors.js';
import { fsyncDir, mapLimit, removeEmptyParents, renameCreatingParent, unlinkQuietly, writeFileAtomic } from './fs-util.js';
import { withKeyLock } from './key-lock.js';
import type { KeyLockOptions } from './key-lock.js';
import { assertUserKey, FileLayout } from './layout.js';
import type { MetaEntry, Sidecar } from './sidecar.js';
import { matchEntry, readSidecar, synthesizeEntry, toObjectInfo } from './sidecar.js';
import { walkKeys } from './file-walk.js';
import type { TempBody } from './temp-body.js';
import { writeTempBody } from './temp-body.js';

/** Temp files untouched this long belong to a crashed writer and are swept. */
const ABANDONED_TEMP_MS = 60 * 60 * 1000;

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
 */
export class FileDriver implements BucketDriver {
  readonly name: string;
  private readonly layout: FileLayout;
  private sweptTemps = false;

  constructor(
    root: string,
    name: string,
    /** fsync bodies, sidecars and directories so commits survive power loss, not only process crashes. */
    private readonly durable = true,
    private readonly lockOptions: KeyLockOptions = {},
  ) {
    this.layout = new FileLayout(root);
    this.name = name;
  }

  async head(key: string): Promise<ObjectInfo> {
    assertUserKey(key);
    const found = await this.locate(key);
    if (!found) throw this.notFound(key);
    return toObjectInfo(key, found.entry);
  }

  async get(key: string): Promise<BucketObject> {
    const { handle, entry } = await this.openObject(key);
    try {
      const bytes = await handle.readFile();
      return { ...toObjectInfo(key, entry), body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    const { handle, entry } = await this.openObject(key);
    // The open handle pins the version we described: a concurrent put renames a
    // new file over the path but this inode stays readable until the stream closes.
    return { ...toObjectInfo(key, entry), body: handle.createReadStream() };
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    assertUserKey(key);
    // Fail fast, before streaming a body that could never be committed; re-checked under the lock.
    if (options.ifNoneMatch !== undefined || options.ifMatch !== undefined) {
      try {
        this.checkPreconditions(key, await this.locate(key), options);
      } catch (err) {
        if (!(body instanceof Uint8Array)) body.destroy();
        throw err;
      }
    }
    this.sweepAbandonedTemps();
    const temp = await writeTempBody(this.layout.tempPath('body'), body, this.durable);
    try {
      return await withKeyLock(this.layout.lockPath(key), () => this.commit(key, temp, options), this.lockOptions);
    } catch (err) {
      await unlinkQuietly(temp.path).catch(() => undefined);
      throw err;
    }
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
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
      const found = await this.locate(f.key);
      return found ? toObjectInfo(f.key, found.entry) : undefined;
    });
    const objects = located.filter((info): info is ObjectInfo => info !== undefined);
    const last = files[files.length - 1];
    return more && last ? { objects, cursor: encodeCursor(last.key) } : { objects };
  }

  async delete(key: string): Promise<void> {
    assertUserKey(key);
    const target = this.layout.objectPath(key);
    const metaPath = this.layout.metaPath(key);
    // Nothing to delete: skip the lock (and creating lock dirs in a bucket that may not exist yet).
    if (!(await statQuietly(target))?.isFile() && !(await statQuietly(metaPath))) return;
    await withKeyLock(
      this.layout.lockPath(key),
      async () => {
        const stats = await statQuietly(target);
        // Bytes first: once they are gone the object is gone, whatever happens to the sidecar.
        if (stats?.isFile()) await unlinkQuietly(target);
        await unlinkQuietly(metaPath);
      },
      this.lockOptions,
    );
    if (this.durable) await fsyncDir(path.dirname(target));
    await removeEmptyParents(path.dirname(target), this.layout.root);
  }

  classifyError(err: unknown): ErrorCode | undefined {
    return classifyFsError(err);
  }

  /** Check preconditions and make `temp` the object at `key`. Runs under the key's lock. */
  private async commit(key: string, temp: TempBody, options: DriverPutOptions): Promise<ObjectInfo> {
    const target = this.layout.objectPath(key);
    const current = await this.locate(key);
    this.checkPreconditions(key, current, options);
    // An existing object proves its directory exists and the path is a file.
    if (!current) await this.prepareParent(key, target);
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
    await writeFileAtomic(this.layout.metaPath(key), this.layout.tempPath('meta'), JSON.stringify(sidecar), this.durable);
    try {
      await renameCreatingParent(temp.path, target);
    } catch (err) {
      if (['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST'].includes(errno(err) ?? '')) throw this.clash(key, err);
      throw err;
    }
    if (this.durable) await fsyncDir(path.dirname(target));
    return toObjectInfo(key, entry);
  }

  private checkPreconditions(key: string, current: Located | undefined, options: DriverPutOptions): void {
    if (options.ifNoneMatch === '*' && current) throw this.preconditionFailed(key, 'it already exists');
    if (options.ifMatch !== undefined && current?.entry.etag !== options.ifMatch) {
      throw this.preconditionFailed(key, current ? `its etag is not ${options.ifMatch}` : 'it does not exist');
    }
  }

  /**
   * Create the target's directory. A file system cannot hold both `a` and
   * `a/b` as files, so either clash is `AlreadyExists` with a clear message
   * (object stores allow it; this is the one place file buckets differ).
   */
  private async prepareParent(key: string, target: string): Promise<void> {
    try {
      await mkdir(path.dirname(target), { recursive: true });
    } catch (err) {
      if (errno(err) === 'EEXIST' || errno(err) === 'ENOTDIR') throw this.clash(key, err);
      throw err;
    }
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw this.clash(key);
  }

  /**
   * Find the object at `key` and the sidecar entry that matches its bytes.
   * A mismatch while a sidecar exists usually means a writer committed between
   * our stat and read, so look again briefly; a file no sidecar describes
   * (copied in by hand, or left by a crash) gets synthesized metadata.
   */
  private async locate(key: string): Promise<Located | undefined> {
    const target = this.layout.objectPath(key);
    for (let attempt = 1; ; attempt++) {
      const stats = await statQuietly(target);
      if (!stats?.isFile()) return undefined;
      const sidecar = await readSidecar(this.layout.metaPath(key), key);
      const entry = matchEntry(sidecar, stats);
      if (entry) return { stats, entry };
      if (!sidecar || attempt >= 3) return { stats, entry: synthesizeEntry(stats) };
      await new Promise((r) => setTimeout(r, attempt * 2));
    }
  }

  /** Open the object's file and check it is the version {@link locate} described. */
  private async openObject(key: string): Promise<{ handle: FileHandle; entry: MetaEntry }> {
    assertUserKey(key);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const found = await this.locate(key);
      if (!found) throw this.notFound(key);
      let handle: FileHandle;
      try {
        handle = await open(this.layout.objectPath(key), 'r');
      } catch (err) {
        if (isMissing(err)) continue;
        throw err;
      }
      const opened = await handle.stat({ bigint: true }).catch(async (err: unknown) => {
        await handle.close();
        throw err;
      });
      if (opened.ino === found.stats.ino && opened.dev === found.stats.dev) return { handle, entry: found.entry };
      await handle.close();
    }
    throw new PolyfaasError('Unavailable', `${this.name}: ${key} kept changing while being opened; try again`);
  }

  /** Remove temp files left by crashed writers, once per driver, in the background. */
  private sweepAbandonedTemps(): void {
    if (this.sweptTemps) return;
    this.sweptTemps = true;
    const dir = this.layout.tmpDir;
    void (async () => {
      for (const name of await readdir(dir)) {
        const file = path.join(dir, name);
        const stats = await stat(file).catch(() => undefined);
        if (stats && Date.now() - stats.mtimeMs > ABANDONED_TEMP_MS) await unlink(file).catch(() => undefined);
      }
    })().catch(() => undefined);
  }

  private notFound(key: string): PolyfaasError {
    return new PolyfaasError('NotFound', `${this.name}: no object ${key}`, { details: { key } });
  }

  private preconditionFailed(key: string, why: string): PolyfaasError {
    return new PolyfaasError('PreconditionFailed', `${this.name}: not writing ${key}: ${why}`, { details: { key } });
  }

  private clash(key: string, cause?: unknown): PolyfaasError {
    return new PolyfaasError(
      'AlreadyExists',
      `${this.name}: cannot store ${key}: a file bucket cannot hold a key that is also a prefix of another key ("a" and "a/b")`,
      { details: { key }, cause },
    );
  }
}

async function statQuietly(file: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(file, { bigint: true });
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}
