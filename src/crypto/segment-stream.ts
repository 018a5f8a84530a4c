import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { PolyfaasError } from '../errors.js';
import { openSegment, plaintextSize, SEALED_SEGMENT_BYTES, sealedSize, sealSegment, SEGMENT_BYTES, TAG_BYTES } from './segments.js';

/** The per-object secrets both directions need. */
export interface SegmentKey {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
}

/** Seal a whole body held in memory. */
export function sealBytes(k: SegmentKey, plaintext: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(sealedSize(plaintext.byteLength));
  sealSegmentsInto(k, plaintext, 0, segmentCount(plaintext.byteLength), out);
  return out;
}

/** Sealed segments per chunk of {@link SealedChunks}: 1 MiB of plaintext. */
const SEGMENTS_PER_CHUNK = 16;

/**
 * A whole body held in memory, sealed chunk by chunk (1 MiB of plaintext
 * each) as a stream reads it: the same bytes as {@link sealBytes}. Each chunk
 * is sealed on a later turn of the event loop than the one its reader took
 * the previous chunk on, so the sealing runs while the reader writes that
 * chunk (a file write on libuv's threads) instead of before it.
 */
export class SealedChunks extends Readable {
  private next = 0;
  private readonly segments: number;

  constructor(
    private readonly k: SegmentKey,
    private readonly plaintext: Uint8Array,
  ) {
    // One chunk ready ahead of the reader, no more.
    super({ highWaterMark: SEGMENTS_PER_CHUNK * SEALED_SEGMENT_BYTES });
    this.segments = segmentCount(plaintext.byteLength);
  }

  override _read(): void {
    // Deferred: _read runs inside the reader's read() call, before the reader gets to write what it took.
    setImmediate(() => {
      if (this.destroyed) return;
      if (this.next === this.segments) {
        this.push(null);
        return;
      }
      const end = Math.min(this.next + SEGMENTS_PER_CHUNK, this.segments);
      const plainEnd = Math.min(end * SEGMENT_BYTES, this.plaintext.byteLength);
      const out = Buffer.allocUnsafe(plainEnd - this.next * SEGMENT_BYTES + (end - this.next) * TAG_BYTES);
      try {
        sealSegmentsInto(this.k, this.plaintext, this.next, end, out);
      } catch (err) {
        // Outside _read's call stack: an error thrown here would be uncaught, so it fails the stream instead.
        this.destroy(err as Error);
        return;
      }
      this.next = end;
      this.push(out);
    });
  }
}

/** Seal segments `first` to `end - 1` of `plaintext` into `out` from its start (no joined copies). */
function sealSegmentsInto(k: SegmentKey, plaintext: Uint8Array, first: number, end: number, out: Buffer): void {
  const last = segmentCount(plaintext.byteLength) - 1;
  let at = 0;
  for (let index = first; index < end; index++) {
    const offset = index * SEGMENT_BYTES;
    const [body, tag] = sealSegment(k.key, k.noncePrefix, index, index === last, plaintext.subarray(offset, Math.min(offset + SEGMENT_BYTES, plaintext.byteLength)));
    at += body.copy(out, at);
    at += tag.copy(out, at);
  }
}

/** Segments of a body of `plaintext` bytes: an empty body is one empty segment. */
function segmentCount(plaintext: number): number {
  return Math.max(1, Math.ceil(plaintext / SEGMENT_BYTES));
}

/**
 * Read a stored body of `storedSize` bytes from a stream into one buffer and
 * open it in place as it arrives: each segment is decrypted as soon as its last
 * byte is in, while the store (or the file system's threads) delivers the next,
 * instead of after the whole transfer: one buffer, plaintext only after every
 * tag verified, `DataLoss` for a damaged, short or long body.
 */
export async function openStreamInPlace(k: SegmentKey, body: AsyncIterable<Uint8Array | string>, storedSize: number): Promise<Buffer> {
  const opener = new InPlaceOpener(k, storedSize, Buffer.allocUnsafe(storedSize));
  let at = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (at + bytes.byteLength > storedSize) throw new PolyfaasError('DataLoss', `Encrypted object is longer than the ${storedSize} bytes the store announced`);
    opener.buffer.set(bytes, at);
    at += bytes.byteLength;
    opener.received(at);
  }
  if (at !== storedSize) throw new PolyfaasError('DataLoss', `Encrypted object ended after ${at} of the ${storedSize} bytes the store announced`);
  return opener.finish();
}

/**
 * Decrypts a sealed body in place in its own buffer, segment by segment as its
 * bytes arrive: each verified segment's plaintext is written over the bytes it
 * came from, shifted down by the tags before it. Segment i's plaintext lands at
 * i * 64 KiB, below its own ciphertext and before the next segment's, so
 * writing it never touches bytes still to be opened; only plaintext whose tag
 * verified is ever written. After `DataLoss` the buffer holds a mix of
 * plaintext and ciphertext.
 *
 * Why in place: a fresh output buffer the size of the object costs a page
 * fault per 4 KiB on first write, as much as the AES-GCM work itself for an
 * 8 MiB object on the bench machine; the stored buffer's pages are already
 * mapped. The buffer must be the caller's to overwrite (what `Bucket.get` and
 * `Bucket.getFilling` hand over is).
 */
export class InPlaceOpener {
  private readonly size: number;
  /** Sealed offset of the next segment to open. */
  private opened = 0;
  /** Plaintext bytes written so far. */
  private written = 0;
  private index = 0;

  /** Holds the sealed body as it arrives, and the plaintext once opened. */
  readonly buffer: Buffer;

  constructor(
    private readonly k: SegmentKey,
    private readonly storedSize: number,
    buffer: Uint8Array,
  ) {
    this.buffer = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const size = plaintextSize(storedSize);
    if (size === undefined) throw new PolyfaasError('DataLoss', `Encrypted object has an impossible size (${storedSize} bytes): cut short or padded`);
    this.size = size;
  }

  /** The first `bytes` sealed bytes are in the buffer: open every segment they complete. */
  received(bytes: number): void {
    for (let end = Math.min(this.opened + SEALED_SEGMENT_BYTES, this.storedSize); this.opened < this.storedSize && end <= bytes; end = Math.min(this.opened + SEALED_SEGMENT_BYTES, this.storedSize)) {
      const plain = openSegment(this.k.key, this.k.noncePrefix, this.index++, end === this.storedSize, this.buffer.subarray(this.opened, end));
      this.written += plain.copy(this.buffer, this.written);
      this.opened = end;
    }
  }

  /** The plaintext, once every segment is opened. */
  finish(): Buffer {
    if (this.opened !== this.storedSize) throw new PolyfaasError('DataLoss', `Encrypted object ends inside segment ${this.index}: cut short`);
    return this.buffer.subarray(0, this.size);
  }
}

/**
 * Fills fixed-size blocks from a byte stream. A full block is only handed on
 * once more bytes arrive, because whether it is the last one is part of its
 * nonce; at the end the rest (possibly a full block) is the last.
 */
abstract class BlockTransform extends Transform {
  private readonly block: Buffer;
  private filled = 0;
  protected index = 0;

  constructor(blockBytes: number) {
    super();
    this.block = Buffer.allocUnsafe(blockBytes);
  }

  protected abstract emitBlock(block: Buffer, last: boolean): void;

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      while (bytes.byteLength > 0) {
        if (this.filled === this.block.byteLength) {
          this.emitBlock(this.block, false);
          this.filled = 0;
        }
        const n = bytes.copy(this.block, this.filled);
        this.filled += n;
        bytes = bytes.subarray(n);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.emitLast(this.block.subarray(0, this.filled));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  protected emitLast(rest: Buffer): void {
    this.emitBlock(rest, true);
  }
}

/** Plaintext in, sealed segments out; memory is one segment whatever the object size. */
export class SealStream extends BlockTransform {
  /** Plaintext bytes seen so far. */
  plaintextBytes = 0;

  constructor(private readonly k: SegmentKey) {
    super(SEGMENT_BYTES);
  }

  protected emitBlock(block: Buffer, last: boolean): void {
    this.plaintextBytes += block.byteLength;
    const [body, tag] = sealSegment(this.k.key, this.k.noncePrefix, this.index++, last, block);
    this.push(body);
    this.push(tag);
  }
}

/** Sealed segments in, plaintext out; a damaged, cut, reordered or extended stream errors with `DataLoss`. */
export class OpenStream extends BlockTransform {
  constructor(private readonly k: SegmentKey) {
    super(SEALED_SEGMENT_BYTES);
  }

  protected emitBlock(block: Buffer, last: boolean): void {
    this.push(openSegment(this.k.key, this.k.noncePrefix, this.index++, last, block));
  }

  protected override emitLast(rest: Buffer): void {
    if (rest.byteLength < TAG_BYTES) {
      throw new PolyfaasError('DataLoss', `Encrypted object ends inside a segment tag (segment ${this.index}): cut short`);
    }
    super.emitLast(rest);
  }
}
