import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { openExclusive, unlinkQuietly } from './fs-util.js';
import { SMALL_FILE_BYTES, writeNewSmallFile } from './small-file.js';

/** A body fully written and synced to a temp file, ready to be renamed into place. */
export interface TempBody {
  readonly path: string;
  readonly size: number;
  /** Hex SHA-256 of the content, computed while writing. */
  readonly sha256: string;
  readonly stats: BigIntStats;
}

/**
 * Write a body to `tempPath` chunk by chunk, hashing as it goes, then fsync
 * (unless `sync` is false).
 * Each chunk is awaited before the next is read, so a stream of any size uses
 * memory for one chunk only. On any failure (including the body stream
 * erroring midway) the temp file is removed and the error rethrown.
 */
export async function writeTempBody(tempPath: string, body: Uint8Array | Readable, sync = true): Promise<TempBody> {
  if (body instanceof Uint8Array && body.byteLength <= SMALL_FILE_BYTES) {
    // Small bodies (the common case for images, JSON, labels) skip the stream machinery entirely.
    const stats = await writeNewSmallFile(tempPath, body, sync);
    return { path: tempPath, size: body.byteLength, sha256: createHash('sha256').update(body).digest('hex'), stats };
  }
  const handle = await openExclusive(tempPath);
  const hash = createHash('sha256');
  let size = 0;
  try {
    const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> = body instanceof Uint8Array ? [body] : body;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(bytes);
      await writeFully(handle, bytes);
      size += bytes.byteLength;
    }
    if (sync) await handle.sync();
    const stats = await handle.stat({ bigint: true });
    await handle.close();
    return { path: tempPath, size, sha256: hash.digest('hex'), stats };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlinkQuietly(tempPath).catch(() => undefined);
    if (!(body instanceof Uint8Array) && !body.destroyed) body.destroy();
    throw err;
  }
}

async function writeFully(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}
