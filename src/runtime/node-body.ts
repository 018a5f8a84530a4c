import type { IncomingMessage } from 'node:http';

/** The outcome of reading a request body under a size limit. */
export type BodyRead =
  | { readonly kind: 'ok'; readonly body: Uint8Array }
  /** Declared or actual size exceeds the limit; the rest has not been read. */
  | { readonly kind: 'too-large'; readonly received: number }
  /** The client went away before the body was complete. */
  | { readonly kind: 'aborted' };

/**
 * Read a request body, holding at most `limit` bytes. Stops at once (without
 * reading or buffering the rest) when `Content-Length` or the bytes received
 * exceed the limit, leaving the request paused so the caller can answer 413.
 */
export function readBodyWithLimit(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large', received: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.pause();
        finish({ kind: 'too-large', received: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', body: Buffer.concat(chunks, size) });
    // 'close' before 'end' means the connection dropped mid-body.
    const onClose = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}
