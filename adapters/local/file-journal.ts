import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../src/index.js';
import type { DeadLetter, DeliveryJournal, PendingDelivery } from '../../src/adapter.js';
import { PolyfaasError } from '../../src/index.js';
import { decodeEvent, encodeEvent } from '../../src/adapter.js';
import { DirSyncer } from './dir-sync.js';
import { errno } from './fs-errors.js';
import { RESERVED_DIR } from './layout.js';
import { writeNewSmallFile } from './small-file.js';

/** Format tag of every journal file. */
const FORMAT = 'polyfaas.delivery/v1';

/** What one journal file holds. The event is stored encoded (see `encodeEvent`). */
interface StoredEntry {
  format: typeof FORMAT;
  id: string;
  function: string;
  attempts: number;
  /** Epoch ms of the first record, to replay oldest first. */
  recordedAt: number;
  event: string;
  /** Dead letters only. */
  error?: { code: string; message: string };
  time?: string;
}

/** Where the local runtime keeps the journal of an app inside a file bucket's root. */
export function defaultJournalDir(bucketRoot: string, appName: string): string {
  // One directory per app, so two apps sharing a data directory never replay each other's events.
  return path.join(bucketRoot, RESERVED_DIR, 'delivery', encodeURIComponent(appName));
}

/**
 * A {@link DeliveryJournal} on the local file system:
 *
 * ```text
 * <dir>/pending/<id>.json   an event dispatched and not yet settled
 * <dir>/dead/<id>.json      an event that failed every attempt
 * <dir>/tmp/                files being written
 * ```
 *
 * Every change is a whole file written to `tmp/`, fsynced and renamed into
 * place, then the directory is fsynced: after `kill -9` each entry is either
 * the old or the new version, never a torn one. Two servers sharing a
 * directory may both redeliver an entry after a crash, which at-least-once
 * delivery allows.
 */
export class FileDeliveryJournal implements DeliveryJournal {
  private readonly pendingDir: string;
  private readonly deadDir: string;
  private readonly tmpDir: string;
  private readonly dirs = new DirSyncer();
  /** Entries this process has in flight, so an attempt update need not re-encode the event. */
  private readonly live = new Map<string, StoredEntry>();

  constructor(
    /** The journal's directory, e.g. {@link defaultJournalDir}. */
    readonly dir: string,
    private readonly log?: Logger,
    /**
     * fsync each change (default true). Without it entries still survive the
     * process being killed (the kernel keeps the renamed files), but not a
     * power loss; the server turns it off for buckets opened with `?durable=false`.
     */
    private readonly sync = true,
  ) {
    this.pendingDir = path.join(dir, 'pending');
    this.deadDir = path.join(dir, 'dead');
    this.tmpDir = path.join(dir, 'tmp');
  }

  async record(entry: PendingDelivery): Promise<void> {
    const stored: StoredEntry = {
      format: FORMAT,
      id: entry.id,
      function: entry.function,
      attempts: entry.attempts,
      recordedAt: Date.now(),
      event: encodeEvent(entry.event),
    };
    this.live.set(entry.id, stored);
    await this.write(this.pendingDir, stored);
  }

  async attempt(id: string, attempts: number): Promise<void> {
    const stored = this.live.get(id);
    if (!stored) return;
    stored.attempts = attempts;
    await this.write(this.pendingDir, stored);
  }

  async settle(id: string): Promise<void> {
    this.live.delete(id);
    await this.remove(this.pendingDir, id);
  }

  async deadLetter(id: string, letter: DeadLetter): Promise<void> {
    const stored = this.live.get(id) ?? { format: FORMAT, id, function: letter.function, attempts: 0, recordedAt: Date.now(), event: encodeEvent(letter.event) };
    this.live.delete(id);
    // Dead letter first, pending entry second: a crash in between leaves both, which replays once more rather than losing the letter.
    await this.write(this.deadDir, { ...stored, attempts: letter.attempts, error: { ...letter.error }, time: letter.time.toISOString() });
    await this.remove(this.pendingDir, id);
  }

  async pending(): Promise<PendingDelivery[]> {
    const entries = await this.readAll(this.pendingDir);
    for (const e of entries) this.live.set(e.id, e);
    return entries.map((e) => ({ id: e.id, function: e.function, attempts: e.attempts, event: decodeEvent(e.event) }));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return (await this.readAll(this.deadDir)).map(toDeadLetter).sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  async revive(id: string): Promise<PendingDelivery | undefined> {
    const stored = (await this.readAll(this.deadDir)).find((e) => e.id === id);
    if (!stored) return undefined;
    const { error: _error, time: _time, ...rest } = stored;
    const revived: StoredEntry = { ...rest, attempts: 0, recordedAt: Date.now() };
    this.live.set(id, revived);
    // Pending first, then drop the letter: a crash in between replays it rather than losing it.
    await this.write(this.pendingDir, revived);
    await this.remove(this.deadDir, id);
    return { id, function: stored.function, attempts: 0, event: decodeEvent(stored.event) };
  }

  private async write(dir: string, entry: StoredEntry): Promise<void> {
    const temp = path.join(this.tmpDir, `${entry.id}-${randomBytes(6).toString('hex')}`);
    await writeNewSmallFile(temp, JSON.stringify(entry), this.sync);
    try {
      await rename(temp, fileOf(dir, entry.id));
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true });
      await rename(temp, fileOf(dir, entry.id));
    }
    if (this.sync) await this.dirs.sync(dir);
  }

  private async remove(dir: string, id: string): Promise<void> {
    try {
      await unlink(fileOf(dir, id));
    } catch (err) {
      if (errno(err) === 'ENOENT') return;
      throw err;
    }
    if (this.sync) await this.dirs.sync(dir);
  }

  /** Every readable entry of a directory, oldest first; unreadable files are logged and left for a human. */
  private async readAll(dir: string): Promise<StoredEntry[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (errno(err) === 'ENOENT') return [];
      throw err;
    }
    const entries: StoredEntry[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const entry = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as StoredEntry;
        if (entry.format !== FORMAT || typeof entry.id !== 'string' || typeof entry.event !== 'string') throw new Error('not a journal entry');
        decodeEvent(entry.event);
        entries.push(entry);
      } catch (err) {
        if (errno(err) === 'ENOENT') continue;
        this.log?.warn('unreadable delivery journal entry skipped', { file: name, err: err instanceof Error ? err.message : String(err) });
      }
    }
    return entries.sort((a, b) => a.recordedAt - b.recordedAt || a.id.localeCompare(b.id));
  }
}

function fileOf(dir: string, id: string): string {
  // Ids are UUIDs we made; anything else in a file name would be a bug, not input to honour.
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new PolyfaasError('Internal', 'Invalid delivery journal id');
  return path.join(dir, `${id}.json`);
}

function toDeadLetter(e: StoredEntry): DeadLetter {
  return {
    id: e.id,
    function: e.function,
    event: decodeEvent(e.event),
    attempts: e.attempts,
    error: e.error ?? { code: 'Internal', message: 'unknown' },
    time: new Date(e.time ?? e.recordedAt),
  };
}
