import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { PutBody } from './types.js';
import { PolyfaasError } from '../errors.js';

/** Normalise any accepted body to bytes or a Node stream, the two shapes drivers handle. */
export function normaliseBody(body: PutBody): Uint8Array | Readable {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof Readable) return body;
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
    return Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
  }
  if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
  }
  throw new PolyfaasError('InvalidArgument', 'Body must be bytes, a string, or a stream of bytes');
}

/**
 * Read a whole stream into one buffer.
 *
 * With `expectedSize` (a Content-Length the store reported), the bytes go
 * straight into one buffer of that size as they arrive: half the peak memory
 * of collecting chunks and joining them, which matters for large objects. A
 * stream that ends short of it or runs past it is a broken transfer and
 * fails with `DataLoss`.
 */
export async function readAll(stream: AsyncIterable<Uint8Array | string>, limit = Infinity, expectedSize?: number): Promise<Uint8Array> {
  if (expectedSize !== undefined && Number.isSafeInteger(expectedSize) && expectedSize >= 0 && expectedSize <= limit) {
    return readExactly(stream, expectedSize);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) throw new PolyfaasError('PayloadTooLarge', `Body is larger than ${limit} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}

async function readExactly(stream: AsyncIterable<Uint8Array | string>, size: number): Promise<Uint8Array> {
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (at + bytes.byteLength > size) throw new PolyfaasError('DataLoss', `Body is longer than the ${size} bytes the store announced`);
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  if (at !== size) throw new PolyfaasError('DataLoss', `Body ended after ${at} of the ${size} bytes the store announced`);
  return out;
}
