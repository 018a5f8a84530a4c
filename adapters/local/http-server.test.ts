import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import type { LocalServer, ServeOptions } from './index.js';
import { serve } from './index.js';

const servers: LocalServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(app: AppDefinition, options: ServeOptions = {}): Promise<LocalServer> {
  const server = await serve(app, { log: createLogger({ level: 'silent' }), ...options });
  servers.push(server);
  return server;
}

const small = defineApp({
  functions: [
    defineFunction({
      name: 'upload',
      maxBodyBytes: 1024,
      trigger: { type: 'http', method: 'POST', path: '/upload' },
      handler: (req) => json({ size: req.body.byteLength }),
    }),
    defineFunction({ name: 'ping', trigger: { type: 'http', method: 'GET', path: '/ping' }, handler: () => json({ pong: true }) }),
  ],
});

/** A raw connection that records when the server closes it. */
function open(port: number): Promise<{ socket: Socket; closed: Promise<number>; received: () => string }> {
  return new Promise((resolve, reject) => {
    const opened = Date.now();
    let data = '';
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, closed, received: () => data }));
    sockets.push(socket);
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - opened)));
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** Uploads 20 bodies of 6 to 20 MB one after another, then all at once; prints each outcome. */
const UPLOAD_CLIENT = `
const url = process.argv[1];
const sizes = Array.from({ length: 20 }, (_, i) => (6 + Math.round((i * 14) / 19)) * 1024 * 1024);
const upload = async (size) => {
  try {
    const res = await fetch(url, { method: 'POST', body: new Uint8Array(size) });
    const body = await res.json();
    return res.status + ' ' + (body.error?.code ?? '');
  } catch (err) {
    return 'failed: ' + (err.cause?.code ?? err.message);
  }
};
const sequential = [];
for (const size of sizes) sequential.push(await upload(size));
const parallel = await Promise.all(sizes.map(upload));
console.log(JSON.stringify({ sequential, parallel }));
`;

function runNode(source: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`client exited with ${code}`))));
  });
}

/** The JSON body of a raw HTTP/1.1 answer. */
function bodyOf(raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

describe('local HTTP server: oversized uploads', () => {
  it('answers every 6–20 MB fetch upload over the limit with a readable 413, never a reset', async () => {
    const server = await start(small);
    // The client runs in its own process, as real clients do: in-process, the shared event loop hides the race
    // between the server closing and the client reading its answer.
    const outcomes = JSON.parse(await runNode(UPLOAD_CLIENT, [`${server.url}/upload`])) as { sequential: string[]; parallel: string[] };
    const all413 = Array.from({ length: 20 }, () => '413 PayloadTooLarge');
    expect(outcomes).toEqual({ sequential: all413, parallel: all413 });
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  }, 60_000);

  it('refuses an oversized Expect: 100-continue upload at once, without waiting for a body', async () => {
    const server = await start(small, { oversizeDrainMs: 5_000 });
    const started = Date.now();
    const outcome = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/upload`, { method: 'POST', headers: { expect: '100-continue', 'content-length': String(10 * 1024 * 1024) } });
      req.on('continue', () => reject(new Error('server asked for the body')));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    // The connection is closed at once rather than held for the drain time.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops draining after the byte bound and closes the connection', async () => {
    const server = await start(small, { oversizeDrainBytes: 256 * 1024, oversizeDrainMs: 10_000 });
    const { socket, closed, received } = await open(server.port);
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024);
    const pump = setInterval(() => socket.writable && socket.write(chunk), 1);
    const after = await closed;
    clearInterval(pump);
    expect(received()).toMatch(/^HTTP\/1.1 413/);
    expect(after).toBeLessThan(5_000);
  });
});

describe('local HTTP server: limits against slow and greedy clients', () => {
  it('drops connections that send headers slowly or never finish, while normal requests are served', async () => {
    const server = await start(small, { headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const slow = await Promise.all(Array.from({ length: 20 }, () => open(server.port)));
    const drips = slow.map(({ socket }, i) => {
      if (i % 2 === 0) return undefined; // half send nothing after connecting
      socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
      return setInterval(() => socket.writable && socket.write(`x-slow-${i}: a\r\n`), 50);
    });
    // A slow body: complete headers, then one byte now and then.
    const slowBody = await open(server.port);
    slowBody.socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
    const bodyDrip = setInterval(() => slowBody.socket.writable && slowBody.socket.write('a'), 50);
    try {
      const res = await fetch(`${server.url}/ping`);
      expect(await res.json()).toEqual({ pong: true });
      const lifetimes = await Promise.all(slow.map((s) => s.closed));
      for (const ms of lifetimes) expect(ms).toBeLessThan(3_000);
      expect(await slowBody.closed).toBeLessThan(3_000);
      // Those that had started a request are told why, with the neutral error body.
      const answered = slow.filter((_, i) => i % 2 === 1).map((s) => s.received());
      for (const raw of answered) {
        expect(raw).toMatch(/^HTTP\/1.1 408/);
        expect(bodyOf(raw)).toMatchObject({ error: { code: 'DeadlineExceeded' } });
      }
      expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    } finally {
      for (const d of drips) clearInterval(d);
      clearInterval(bodyDrip);
    }
  });

  it('answers too-large headers with 431 and malformed requests with 400, both with the JSON error body', async () => {
    const server = await start(small, { maxHeaderBytes: 2048 });
    const big = await open(server.port);
    big.socket.write(`GET /ping HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(4096)}\r\n\r\n`);
    await big.closed;
    expect(big.received()).toMatch(/^HTTP\/1.1 431/);
    expect(bodyOf(big.received())).toMatchObject({ error: { code: 'InvalidArgument' } });
    const bad = await open(server.port);
    bad.socket.write('THIS IS NOT HTTP\r\n\r\n');
    await bad.closed;
    expect(bad.received()).toMatch(/^HTTP\/1.1 400/);
    expect(bad.received()).toMatch(/content-type: application\/json/i);
    expect(bodyOf(bad.received())).toMatchObject({ error: { code: 'InvalidArgument' } });
  });

  it('answers a valid request first when garbage is pipelined after it, then the 400', async () => {
    const server = await start(small);
    const piped = await open(server.port);
    piped.socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\nabc\r\n\r\n');
    await piped.closed;
    const raw = piped.received();
    expect(raw).toMatch(/^HTTP\/1.1 200/);
    expect(raw).toContain('{"pong":true}');
    expect(raw).toMatch(/HTTP\/1.1 400[\s\S]*"code":"InvalidArgument"/);
  });

  it('caps open connections and closes idle keep-alive connections', async () => {
    const server = await start(small, { maxConnections: 3, keepAliveTimeoutMs: 200 });
    const held = await Promise.all([0, 1, 2].map(() => open(server.port)));
    const extra = await open(server.port);
    expect(await extra.closed).toBeLessThan(1_000);
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    // A finished keep-alive request leaves the socket idle; the server closes it after keepAliveTimeoutMs.
    const idle = await open(server.port);
    idle.socket.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await idle.closed).toBeLessThan(2_000);
    expect(idle.received()).toMatch(/^HTTP\/1.1 200/);
  });
});
