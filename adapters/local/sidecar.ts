import type { BigIntStats } from 'node:fs';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ObjectInfo } from '../../src/index.js';
import { NO_FOLLOW_READ, isLinkRefused } from './fs-confine.js';
import { isMissing } from './fs-errors.js';

/** One version of an object's metadata, tied to the inode of the file holding its bytes. */
export interface MetaEntry {
  /** Inode of the data file this entry describes (decimal string: inodes can exceed 2^53). */
  ino: string;
  etag: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
  lastModified: string;
}

/**
 * The sidecar file for one key. A commit renames the sidecar into place first
 * and the data file second; keeping the entry for the data file being replaced
 * (`previous`) means a reader, or a crash, between the two renames still finds
 * metadata that matches the bytes on disk.
 */
export interface Sidecar {
  v: 1;
  key: string;
  current: MetaEntry;
  previous?: MetaEntry;
  /**
   * The process that committed this version: the sidecar was its lock file
   * (see `HeldLock.publish`), and keeps naming it so that a writer killed
   * between publishing and releasing is recognised as dead at once.
   */
  holder?: unknown;
}

/**
 * Read a sidecar; missing, unreadable or foreign (hash-colliding) sidecars
 * count as absent, and so does a link planted in its place (never followed).
 */
export async function readSidecar(file: string, key: string): Promise<Sidecar | undefined> {
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', flag: NO_FOLLOW_READ });
  } catch (err) {
    if (isMissing(err) || isLinkRefused(err)) return undefined;
    throw err;
  }
  return parseSidecar(text, key);
}

/** {@link readSidecar}, synchronously: for the commit path, where the file is tiny and the key is locked. */
export function readSidecarSync(file: string, key: string): Sidecar | undefined {
  let text: string;
  try {
    // readFileSync's types take string flags only, so open the descriptor ourselves.
    const fd = openSync(file, NO_FOLLOW_READ);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (isMissing(err) || isLinkRefused(err)) return undefined;
    throw err;
  }
  return parseSidecar(text, key);
}

function parseSidecar(text: string, key: string): Sidecar | undefined {
  try {
    const parsed = JSON.parse(text) as Sidecar;
    return parsed.v === 1 && parsed.key === key && parsed.current ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The sidecar entry describing the data file with these stats, if any. */
export function matchEntry(sidecar: Sidecar | undefined, stats: BigIntStats): MetaEntry | undefined {
  // Size guards against a file edited in place by hand, which keeps its inode.
  const matches = (entry: MetaEntry | undefined) => entry?.ino === stats.ino.toString() && entry.size === Number(stats.size);
  if (matches(sidecar?.current)) return sidecar?.current;
  if (matches(sidecar?.previous)) return sidecar?.previous;
  return undefined;
}

/**
 * Metadata for a file no sidecar describes: one copied into the directory by
 * hand, or left by a crash. The etag derives from inode, mtime and size, so it
 * is stable across reads and changes whenever the file is replaced.
 */
export function synthesizeEntry(stats: BigIntStats): MetaEntry {
  const etag = `f-${stats.ino.toString(36)}-${stats.mtimeNs.toString(36)}-${stats.size.toString(36)}`;
  return {
    ino: stats.ino.toString(),
    etag,
    size: Number(stats.size),
    contentType: 'application/octet-stream',
    metadata: {},
    lastModified: new Date(Number(stats.mtimeMs)).toISOString(),
  };
}

/** The public view of an entry. Built the same way for put, head, get and list so they agree exactly. */
export function toObjectInfo(key: string, entry: MetaEntry): ObjectInfo {
  return {
    key,
    size: entry.size,
    etag: entry.etag,
    contentType: entry.contentType,
    metadata: { ...entry.metadata },
    lastModified: new Date(entry.lastModified),
  };
}
