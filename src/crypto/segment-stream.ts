import { Transform } from 'node:stream';
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
  let at = 0;
  let index = 0;
  let offset = 0;
  do {
    const end = Math.min(offset + SEGMENT_BYTES, plaintext.byteLength);
    const [body, tag] = sealSegment(k.key, k.noncePrefix, index++, end === plaintext.byteLength, plaintext.subarray(offset, end));
    at += body.copy(out, at);
    at += tag.copy(out, at);
    offset = end;
  } while (offset < plaintext.byteLength);
  return out;
}

/**
 * Open a whole stored body held in memory, decrypting in place: each verified
 * segment's plaintext is written over the bytes it came from (shifted down by
 * the tags before it), and the result is a view of `sealed`. `sealed` must be
 * the caller's to overwrite (what `Bucket.get` returns is). Any damage is
 * `DataLoss`, and then `sealed` holds a mix of plaintext and ciphertext.
 *
 * Why in place: a fresh output buffer the size of the object costs a page
 * fault per 4 KiB on first write, as much as the AES-GCM work itself for an
 * 8 MiB object on the bench machine; the stored buffer's pages are already
 * mapped. Only plaintext whose tag verified is ever written.
 */
export function openBytes(k: SegmentKey, sealed: Uint8Array): Buffer {
  const size = plaintextSize(sealed.byteLength);
  if (size === undefined) throw new PolyfaasError('DataLoss', `Encrypted object has an impossible size (${sealed.byteLength} bytes): cut short or padded`);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  let at = 0;
  let index = 0;
  let offset = 0;
  do {
    const end = Math.min(offset + SEALED_SEGMENT_BYTES, bytes.byteLength);
    // Segment i's plaintext lands at i * 64 KiB, below its own ciphertext and before the next segment's.
    at += openSegment(k.key, k.noncePrefix, index++, end === bytes.byteLength, bytes.subarray(offset, end)).copy(bytes, at);
    offset = end;
  } while (offset < bytes.byteLength);
  return bytes.subarray(0, size);
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
