import { randomBytes } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PolyfaasError } from '../../src/index.js';
import {
  addCounter,
  decodeCounter,
  DriverKeyValueStore,
  encodeCounter,
  isExpired,
  kvKeyDigest,
  newKvVersion,
  registerKeyValueScheme,
} from '../../src/adapter.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from '../../src/adapter.js';
import { classifyFsError, errno } from './fs-errors.js';
import { fsyncDir, renameCreatingParentSync } from './fs-util.js';
import { withKeyLock } from './key-lock.js';
import { writeNewSmallFile } from './small-file.js';

/** Options for {@link FileKeyValueStore}. */
export interface FileKeyValueStoreOptions {
  /**
   * fsync each entry and its directory before a write returns, so it survives
   * power loss. Default true. With false, writes are still atomic against
   * process crashes (temp file + rename).
   */
  durable?: boolean;
}

/**
 * A key-value store in a directory of its own: the local default, shared by
 * every process on the machine that opens the same directory.
 *
 * - One file per entry, `<dir>/<2 hex>/<sha256 of key>.kv`: a JSON header line
 *   (version, expiry) then the encoded value.
 * - Crash-safe: every write goes to a temp file that is renamed over the
 *   entry, so readers (who take no lock) see the old or the new entry, never a mix.
 * - Every write takes a lock per key (an exclusive lock file, broken if its
 *   holder died), so conditional writes and increments are atomic across processes.
 *
 * @example
 * ```ts
 * const kv = new FileKeyValueStore('./.state');
 * // or: await openKeyValueStore('file:///var/app/state')
 * ```
 */
export class FileKeyValueStore extends DriverKeyValueStore {
  /** Absolute path of the store's directory (created on first write). */
  readonly root: string;

  constructor(dir: string, options: FileKeyValueStoreOptions = {}) {
    const root = path.resolve(dir);
    super(new FileKvDriver(root, options.durable ?? true));
    this.root = root;
  }
}

class FileKvDriver implements KeyValueDriver {
  readonly name: string;

  constructor(
    private readonly root: string,
    private readonly durable: boolean,
  ) {
    this.name = pathToFileURL(root).href;
  }

  async get(key: string): Promise<KvRecord | undefined> {
    return this.read(this.entryPath(key));
  }

  async put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const file = this.entryPath(key);
    // Unconditional writes lock too: one landing between a CAS's check and its rename would be silently lost.
    return withKeyLock(this.lockPath(key), async () => {
      const current = await this.live(file);
      if (options.ifAbsent && current) throw new PolyfaasError('PreconditionFailed', 'An entry already exists at this key');
      if (options.ifVersion !== undefined && current?.version !== options.ifVersion) {
        throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version');
      }
      return { version: await this.write(file, data, options.expiresAt) };
    });
  }

  async delete(key: string, options: { ifVersion?: string }): Promise<void> {
    const file = this.entryPath(key);
    await withKeyLock(this.lockPath(key), async () => {
      if (options.ifVersion !== undefined && (await this.live(file))?.version !== options.ifVersion) {
        throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version');
      }
      try {
        await unlink(file);
      } catch (err) {
        if (errno(err) !== 'ENOENT') throw err;
        return;
      }
      if (this.durable) await fsyncDir(path.dirname(file));
    });
  }

  async increment(key: string, by: number, options: { expiresAt?: number }): Promise<number> {
    const file = this.entryPath(key);
    return withKeyLock(this.lockPath(key), async () => {
      const current = await this.live(file);
      const next = addCounter(current ? decodeCounter(current.data) : 0, by);
      await this.write(file, encodeCounter(next), current ? current.expiresAt : options.expiresAt);
      return next;
    });
  }

  classifyError(err: unknown) {
    return classifyFsError(err);
  }

  /** Write a new entry file beside the target and rename it over; returns the new version. */
  private async write(file: string, data: Uint8Array, expiresAt: number | undefined): Promise<string> {
    const version = newKvVersion();
    const header = Buffer.from(`${JSON.stringify(expiresAt === undefined ? { v: version } : { v: version, e: expiresAt })}\n`, 'utf8');
    const temp = path.join(this.root, '.tmp', `${path.basename(file)}.${randomBytes(6).toString('hex')}`);
    await writeNewSmallFile(temp, Buffer.concat([header, data]), this.durable);
    renameCreatingParentSync(temp, file);
    if (this.durable) await fsyncDir(path.dirname(file));
    return version;
  }

  private async live(file: string): Promise<KvRecord | undefined> {
    const record = await this.read(file);
    return record && !isExpired(record.expiresAt) ? record : undefined;
  }

  private async read(file: string): Promise<KvRecord | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    }
    const end = bytes.indexOf(0x0a);
    let header: { v?: unknown; e?: unknown };
    try {
      header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as typeof header;
    } catch (err) {
      throw new PolyfaasError('DataLoss', 'A key-value entry file is corrupt', { cause: err });
    }
    if (end < 0 || typeof header.v !== 'string') throw new PolyfaasError('DataLoss', 'A key-value entry file is corrupt');
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset + end + 1, bytes.byteLength - end - 1);
    return typeof header.e === 'number' ? { data, version: header.v, expiresAt: header.e } : { data, version: header.v };
  }

  private entryPath(key: string): string {
    const digest = kvKeyDigest(key);
    return path.join(this.root, digest.slice(0, 2), `${digest}.kv`);
  }

  private lockPath(key: string): string {
    return path.join(this.root, '.locks', `${kvKeyDigest(key)}.lock`);
  }
}

/**
 * Let `openKeyValueStore('file:///abs/dir')` open a {@link FileKeyValueStore}.
 * Add `?durable=false` to skip fsync.
 */
export function registerKeyValueSchemes(): void {
  registerKeyValueScheme('file', (url) => {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (err) {
      throw new PolyfaasError('InvalidArgument', 'Not a local file URL (use file:///absolute/path)', { cause: err });
    }
    return new FileKeyValueStore(dir, { durable: url.searchParams.get('durable') !== 'false' });
  });
}
