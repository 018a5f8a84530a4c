import type { BigIntStats } from 'node:fs';
import { closeSync, fstatSync, fsync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { errno } from './fs-errors.js';

/**
 * Bodies up to this size take the synchronous fast path ({@link writeNewSmallFile});
 * larger ones and streams are written asynchronously, chunk by chunk.
 */
export const SMALL_FILE_BYTES = 64 * 1024;

/**
 * Create `file` (which must not exist), write `data`, optionally fsync, and
 * return its stats. For small files only.
 *
 * Why synchronous: for a few hundred bytes, open/write/fstat/close each take
 * microseconds in the kernel, while every async `fs` call costs a hop through
 * libuv's threadpool (4 threads by default, shared by all async fs work), and
 * queueing there, not the file system, dominated small-object puts. The one
 * slow call, fsync, still runs on the threadpool so the event loop keeps
 * serving other requests while the disk flushes.
 *
 * The parent directory is created on ENOENT, so callers need not `mkdir` first.
 * On failure the partly written file is removed.
 */
export async function writeNewSmallFile(file: string, data: Uint8Array | string, sync: boolean): Promise<BigIntStats> {
  const fd = openCreatingParent(file);
  let ok = false;
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
    if (sync) await fsyncFd(fd);
    const stats = fstatSync(fd, { bigint: true });
    ok = true;
    return stats;
  } finally {
    closeSync(fd);
    if (!ok) unlinkQuietlySync(file);
  }
}

/** fsync a raw descriptor on the threadpool (`fs.promises` only accepts FileHandles). */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** `unlinkSync`, treating "already gone" as success. */
export function unlinkQuietlySync(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
}

function openCreatingParent(file: string): number {
  try {
    return openSync(file, 'wx');
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
    mkdirSync(path.dirname(file), { recursive: true });
    return openSync(file, 'wx');
  }
}
