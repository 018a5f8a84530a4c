import type { FileHandle } from 'node:fs/promises';
import { PolyfaasError } from '../../src/index.js';

/** Bytes per read: few enough calls (8 for 8 MiB) to cost what `readFile` does, small enough that little decryption is left after the last. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a whole open file into one buffer, one chunk always in flight: the
 * first read starts at construction, and each next one as soon as the last
 * lands, before the consumer handles it. The reads run on libuv's threads, so
 * whatever the consumer does with the front of the buffer (decrypt it in
 * place) overlaps the read of the rest. Owns the handle: closes it at the end.
 */
export class ChunkedRead {
  /** The file's bytes as they land. */
  readonly body: Buffer;
  private filled = 0;
  private inFlight: Promise<number> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    size: number,
  ) {
    this.body = Buffer.allocUnsafe(size);
    this.inFlight = size > 0 ? this.readNext() : undefined;
  }

  /** Counts of leading bytes in, ascending, ending at the size; closes the handle when done or abandoned. */
  async *landed(): AsyncIterable<number> {
    try {
      if (this.body.byteLength === 0) yield 0;
      while (this.filled < this.body.byteLength) {
        const read = await (this.inFlight as Promise<number>);
        if (read === 0) throw new PolyfaasError('DataLoss', `Object ended after ${this.filled} of its ${this.body.byteLength} bytes`);
        this.filled += read;
        this.inFlight = this.filled < this.body.byteLength ? this.readNext() : undefined;
        yield this.filled;
      }
    } finally {
      await this.close();
    }
  }

  /** Wait for a read in flight, then close the handle. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Closing under a read in flight would fail that read with EBADF, or let it land in a reused descriptor.
      await this.inFlight?.catch(() => undefined);
      this.inFlight = undefined;
      await this.handle.close();
    })();
    return this.closing;
  }

  private readNext(): Promise<number> {
    const at = this.filled;
    const read = this.handle.read(this.body, at, Math.min(CHUNK_BYTES, this.body.byteLength - at), at).then(({ bytesRead }) => bytesRead);
    // Awaited by landed() or close(); this keeps a failure nobody waits for yet from counting as unhandled.
    read.catch(() => undefined);
    return read;
  }
}
