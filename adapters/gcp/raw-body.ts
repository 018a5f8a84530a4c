import type { Request } from '@google-cloud/functions-framework';
import { readBodyWithLimit } from '../../src/adapter.js';

/**
 * The request body exactly as sent. The Functions Framework parses bodies
 * (JSON, text, forms) before the function runs and keeps the bytes in
 * `req.rawBody`; a body it did not parse (no `Content-Type`) is still unread,
 * so it is read here, stopping just past `limit` (the runtime answers 413).
 */
export async function readRequestBody(req: Request, limit: number): Promise<Uint8Array> {
  if (req.rawBody) return new Uint8Array(req.rawBody.buffer, req.rawBody.byteOffset, req.rawBody.byteLength);
  if (req.readableEnded || req.complete) return new Uint8Array();
  const read = await readBodyWithLimit(req, limit);
  // One byte past the limit is enough for the runtime to answer 413; an aborted upload is answered as empty.
  if (read.kind === 'too-large') return new Uint8Array(limit + 1);
  return read.kind === 'ok' ? read.body : new Uint8Array();
}
