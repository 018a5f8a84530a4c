import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyWithLimit } from './node-body.js';

/** A fake request whose body is produced on demand, counting what was pulled. */
function fakeRequest(totalBytes: number, headers: Record<string, string> = {}) {
  const pulled = { bytes: 0 };
  const chunk = Buffer.alloc(16 * 1024);
  const stream = new Readable({
    read() {
      if (pulled.bytes >= totalBytes) return void this.push(null);
      pulled.bytes += chunk.byteLength;
      this.push(chunk);
    },
  });
  return { req: Object.assign(stream, { headers }) as unknown as IncomingMessage, pulled };
}

describe('readBodyWithLimit', () => {
  it('reads a body within the limit', async () => {
    const { req } = fakeRequest(64 * 1024);
    const read = await readBodyWithLimit(req, 64 * 1024);
    expect(read.kind).toBe('ok');
    expect(read.kind === 'ok' && read.body.byteLength).toBe(64 * 1024);
  });

  it('refuses a declared oversized body without reading any of it', async () => {
    const { req, pulled } = fakeRequest(1024 * 1024, { 'content-length': String(1024 * 1024) });
    expect((await readBodyWithLimit(req, 1024)).kind).toBe('too-large');
    expect(pulled.bytes).toBe(0);
  });

  it('stops pulling an undeclared body soon after it passes the limit', async () => {
    const { req, pulled } = fakeRequest(256 * 1024 * 1024);
    expect(await readBodyWithLimit(req, 100 * 1024)).toMatchObject({ kind: 'too-large' });
    await new Promise((r) => setTimeout(r, 20));
    expect(pulled.bytes).toBeLessThan(1024 * 1024);
  });

  it('reports a client that hangs up mid-body', async () => {
    const req = Object.assign(new PassThrough(), { headers: {} }) as unknown as IncomingMessage & PassThrough;
    const pending = readBodyWithLimit(req, 1024);
    req.write('partial');
    req.destroy();
    expect(await pending).toEqual({ kind: 'aborted' });
  });
});
