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

/** Read a whole stream into one buffer. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>, limit = Infinity): Promise<Uint8Array> {
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
