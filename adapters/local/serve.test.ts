import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDefinition, LogRecord, MessageEvent, ScheduleEvent, StorageEvent } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import type { LocalServer, ServeOptions } from './index.js';
import { FileBucket, serve } from './index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(app: AppDefinition, options: ServeOptions = {}): Promise<{ server: LocalServer; dir: string; logs: LogRecord[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-serve-'));
  const logs: LogRecord[] = [];
  const server = await serve(app, { log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }), retryDelayMs: 1, ...options });
  cleanups.push(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { server, dir, logs };
}

const upload = defineFunction({
  name: 'upload',
  maxBodyBytes: 1024,
  trigger: { type: 'http', method: 'POST', path: '/upload' },
  handler: (req) => json({ size: req.body.byteLength }),
});

/** Send raw bytes and return everything the server answers before closing. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('serve: HTTP', () => {
  it('answers 404 JSON for unknown routes and serves known ones', async () => {
    const { server } = await start(defineApp({ functions: [upload] }));
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await missing.json()).toMatchObject({ error: { code: 'NotFound' } });
    const ok = await fetch(`${server.url}/upload`, { method: 'POST', body: 'abc' });
    expect(await ok.json()).toEqual({ size: 3 });
    expect(ok.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers 413 JSON for a declared oversized body without running the handler, and keeps serving', async () => {
    let calls = 0;
    const app = defineApp({ functions: [defineFunction({ ...upload, handler: (req) => (calls++, json({ size: req.body.byteLength })) })] });
    const { server } = await start(app);
    const res = await fetch(`${server.url}/upload`, { method: 'POST', body: new Uint8Array(8 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect(calls).toBe(0);
    expect((await fetch(`${server.url}/upload`, { method: 'POST', body: 'ok' })).status).toBe(200);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const { server } = await start(defineApp({ functions: [upload] }));
    let produced = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= 64 * 1024 * 1024) return controller.close();
        produced += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const res = await fetch(`${server.url}/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    // The client is told to stop long before it sends 64 MiB.
    expect(produced).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses an oversized Expect: 100-continue upload before the body is sent', async () => {
    const { server } = await start(defineApp({ functions: [upload] }));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/upload`, {
        method: 'POST',
        headers: { expect: '100-continue', 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('continue', () => reject(new Error('server asked for the body')));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    expect(status).toBe(413);
  });

  it('survives clients that disconnect mid-body or before the response, and malformed requests', async () => {
    let finished = 0;
    const app = defineApp({
      functions: [
        upload,
        defineFunction({
          name: 'slow',
          trigger: { type: 'http', method: 'GET', path: '/slow' },
          handler: async () => {
            await new Promise((r) => setTimeout(r, 100));
            finished++;
            return json({ done: true });
          },
        }),
      ],
    });
    const { server } = await start(app);
    // Promise 1000 bytes, send 10, hang up.
    await new Promise<void>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => {
        s.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789');
        setTimeout(() => (s.destroy(), resolve()), 50);
      });
    });
    // Ask for a slow response, hang up before it arrives.
    await new Promise<void>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () => {
        s.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
        setTimeout(() => (s.destroy(), resolve()), 20);
      });
    });
    expect(await rawExchange(server.port, 'THIS IS NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    await server.idle();
    expect(finished).toBe(1);
    expect((await fetch(`${server.url}/upload`, { method: 'POST', body: 'still up' })).status).toBe(200);
  });

  it('turns an invalid handler response into a 500 and handles HEAD and 204', async () => {
    const app = defineApp({
      functions: [
        defineFunction({ name: 'bad-status', trigger: { type: 'http', method: 'GET', path: '/bad' }, handler: () => ({ status: 42 }) }),
        defineFunction({
          name: 'bad-header',
          trigger: { type: 'http', method: 'GET', path: '/bad-header' },
          handler: () => ({ status: 200, headers: { 'x-bad': 'line\nbreak' }, body: 'x' }),
        }),
        defineFunction({ name: 'empty', trigger: { type: 'http', method: 'DELETE', path: '/thing' }, handler: () => ({ status: 204 }) }),
        defineFunction({ name: 'page', trigger: { type: 'http', method: 'GET', path: '/page' }, handler: () => json({ hello: 'world' }) }),
      ],
    });
    const { server } = await start(app);
    for (const p of ['/bad', '/bad-header']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ error: { code: 'Internal' } });
    }
    expect((await fetch(`${server.url}/thing`, { method: 'DELETE' })).status).toBe(204);
    const head = await fetch(`${server.url}/page`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('keeps handler query and repeated headers, and honours an incoming x-request-id', async () => {
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'echo',
          trigger: { type: 'http', method: 'GET', path: '/echo' },
          handler: (req, ctx) => json({ query: req.query, accept: req.headers.accept, requestId: ctx.requestId }),
        }),
      ],
    });
    const { server } = await start(app);
    const headers = new Headers([['accept', 'a/b'], ['accept', 'c/d'], ['x-request-id', 'req-123']]);
    const res = await fetch(`${server.url}/echo?x=1&x=2&y=%20z`, { headers });
    expect(await res.json()).toEqual({ query: { x: '2', y: ' z' }, accept: 'a/b, c/d', requestId: 'req-123' });
    expect(res.headers.get('x-request-id')).toBe('req-123');
  });

  it('runs init before listening by default and keeps serving if it fails', async () => {
    let inits = 0;
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'model',
          trigger: { type: 'http', method: 'GET', path: '/model' },
          init: () => {
            inits++;
            if (inits === 1) throw new Error('not yet');
            return 'loaded';
          },
          handler: (_req, ctx) => json({ state: ctx.state }),
        }),
      ],
    });
    const { server } = await start(app);
    expect(inits).toBe(1);
    expect(await (await fetch(`${server.url}/model`)).json()).toEqual({ state: 'loaded' });
  });

  it('fails to start with Unavailable when the port is taken', async () => {
    const { server } = await start(defineApp({ functions: [upload] }));
    await expect(serve(defineApp({ functions: [upload] }), { port: server.port, log: createLogger({ level: 'silent' }) })).rejects.toMatchObject({
      code: 'Unavailable',
    });
  });

  it('waits for in-flight requests on close', async () => {
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'slow',
          trigger: { type: 'http', method: 'GET', path: '/slow' },
          handler: async () => {
            await new Promise((r) => setTimeout(r, 150));
            return json({ done: true });
          },
        }),
      ],
    });
    const { server } = await start(app);
    const pending = fetch(`${server.url}/slow`);
    await new Promise((r) => setTimeout(r, 30));
    await server.close();
    expect(await (await pending).json()).toEqual({ done: true });
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow();
  });
});

describe('serve: events', () => {
  it('fires storage triggers for writes through server.bucket() and from handlers, on file buckets bound by URL', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-serve-data-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const seen: string[] = [];
    const app = defineApp({
      buckets: { data: `file://${dir}` },
      functions: [
        defineFunction({
          name: 'ingest',
          trigger: { type: 'http', method: 'PUT', path: '/raw/:name' },
          handler: async (req, ctx) => json(await ctx.bucket('data').put(`raw/${req.params.name}`, req.body)),
        }),
        defineFunction({
          name: 'on-raw',
          trigger: { type: 'storage', bucket: 'data', prefix: 'raw/' },
          handler: async (event: StorageEvent, ctx) => {
            seen.push(event.key);
            const obj = await ctx.bucket('data').get(event.key);
            await ctx.bucket('data').put(event.key.replace('raw/', 'done/'), obj.body);
          },
        }),
      ],
    });
    const { server } = await start(app);
    await server.bucket('data').put('raw/a.txt', 'from test');
    expect((await fetch(`${server.url}/raw/b.txt`, { method: 'PUT', body: 'from http' })).status).toBe(200);
    await server.idle();
    expect(seen.sort()).toEqual(['raw/a.txt', 'raw/b.txt']);
    expect(await readFile(path.join(dir, 'done', 'b.txt'), 'utf8')).toBe('from http');
    expect(server.deadLetters).toEqual([]);
  });

  it('lets options.buckets override bindings', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-serve-override-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const app = defineApp({ buckets: { data: 'mem://unregistered' }, functions: [upload] });
    const { server } = await start(app, { buckets: { data: new FileBucket(dir) } });
    await server.bucket('data').put('x', 'y');
    expect(await readFile(path.join(dir, 'x'), 'utf8')).toBe('y');
  });

  it('delivers queue messages with retries and dead letters', async () => {
    const got: string[] = [];
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'worker',
          retries: 1,
          trigger: { type: 'queue', queue: 'jobs' },
          handler: (msg: MessageEvent) => {
            got.push(msg.text());
            if (msg.attributes.fail) throw new Error('bad job');
          },
        }),
      ],
    });
    const { server } = await start(app);
    server.send('jobs', 'one');
    server.send('jobs', 'two', { fail: '1' });
    await server.idle();
    expect(got.sort()).toEqual(['one', 'two', 'two']);
    expect(server.deadLetters).toHaveLength(1);
    expect(server.deadLetters[0]).toMatchObject({ function: 'worker', attempts: 2 });
    expect(() => server.send('nobody', 'x')).toThrow(/No function listens/);
  });

  it('fires schedule triggers on tick(), and rejects invalid cron at startup', async () => {
    const fired: ScheduleEvent[] = [];
    const app = defineApp({
      functions: [defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: (e: ScheduleEvent) => void fired.push(e) })],
    });
    const { server } = await start(app);
    server.tick('nightly');
    await server.idle();
    expect(fired).toHaveLength(1);
    expect(fired[0]?.cron).toBe('0 3 * * *');
    // Invalid cron never reaches a runtime: defineFunction parses it.
    expect(() => defineFunction({ name: 'bad', trigger: { type: 'schedule', cron: '61 * * * *' }, handler: () => undefined })).toThrow(/minute/);
  });
});
