import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineApp, defineFunction, json } from '../../../src/index.js';
import type { LocalServer } from '../serve.js';
import { serve } from '../serve.js';
import { CSRF_HEADER, TOKEN_COOKIE } from './access.js';

let dir: string;
let server: LocalServer;
let csrf: string;
const app = (root: string) =>
  defineApp({
    name: 'api-test',
    buckets: { data: pathToFileURL(root).href },
    functions: [
      defineFunction({ name: 'hello', trigger: { type: 'http', method: 'GET', path: '/hello' }, handler: () => json({ hi: true }) }),
      defineFunction({
        name: 'crashes',
        trigger: { type: 'queue', queue: 'q' },
        retries: 0,
        handler: () => {
          throw new Error(`failed reading ${root}/secret`);
        },
      }),
    ],
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-console-api-'));
  server = await serve(app(dir), { schedules: false });
  csrf = /name="polyfaas-csrf" content="([^"]+)"/.exec(await (await fetch(server.consoleUrl as string)).text())?.[1] ?? '';
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) => fetch(`${server.consoleUrl}api/${path}`, init);
const write = (path: string, method: string, body?: string, type = 'text/plain') => api(path, { method, ...(body !== undefined ? { body } : {}), headers: { [CSRF_HEADER]: csrf, 'content-type': type } });

describe('console API', () => {
  it('serves the page with a CSP and a CSRF token, and its assets within a small budget', async () => {
    const page = await fetch(server.consoleUrl as string);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(csrf.length).toBeGreaterThanOrEqual(32);
    const sizes = await Promise.all(['', 'console.js', 'console.css'].map(async (p) => (await (await fetch(`${server.consoleUrl}${p}`)).arrayBuffer()).byteLength));
    // The whole console (page, script, stylesheet) stays small: no framework, nothing from a CDN.
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(40 * 1024);
    expect((await fetch(`${server.url}/_polyfaas`, { redirect: 'manual' })).headers.get('location')).toBe('/_polyfaas/');
  });

  it('keeps keys inside the bucket and says nothing about where it lives', async () => {
    for (const key of ['../../etc/passwd', '/etc/passwd', 'a/../../b', '']) {
      const res = await api(`buckets/data/object?key=${encodeURIComponent(key)}`);
      expect(res.status, key).toBe(400);
      expect(await res.text()).not.toContain(dir);
    }
    const missing = await api('buckets/data/object?key=nope.txt');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain(dir);
    expect((await api('buckets/other/objects')).status).toBe(404);
    expect((await api('buckets/data/objects?cursor=garbage')).status).toBe(400);
  });

  it('uploads, lists a page at a time, serves stored HTML only as a download, and deletes', async () => {
    for (const name of ['a', 'b', 'c']) expect((await write(`buckets/data/object?key=p/${name}.txt`, 'PUT', name)).status).toBe(201);
    expect((await write('buckets/data/object?key=p/page.html', 'PUT', '<script>alert(1)</script>', 'text/html')).status).toBe(201);
    const first = (await (await api('buckets/data/objects?prefix=p/&pageSize=2')).json()) as { objects: { key: string }[]; cursor: string };
    expect(first.objects.map((o) => o.key)).toEqual(['p/a.txt', 'p/b.txt']);
    const second = (await (await api(`buckets/data/objects?prefix=p/&pageSize=2&cursor=${encodeURIComponent(first.cursor)}`)).json()) as { objects: { key: string }[] };
    expect(second.objects.map((o) => o.key)).toEqual(['p/c.txt', 'p/page.html']);
    const html = await api('buckets/data/object?key=p/page.html');
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toContain('attachment; filename="page.html"');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect((await write('buckets/data/object?key=p/a.txt', 'DELETE')).status).toBe(200);
    expect(await server.bucket('data').exists('p/a.txt')).toBe(false);
    // Without the CSRF header nothing changes.
    expect((await api('buckets/data/object?key=p/b.txt', { method: 'DELETE' })).status).toBe(403);
    expect(await server.bucket('data').exists('p/b.txt')).toBe(true);
  });

  it("shows a dead letter's internal failure without its message", async () => {
    server.send('q', 'x');
    await server.idle();
    const { deadLetters } = (await (await api('dead-letters')).json()) as { deadLetters: { function: string; error: { code: string; message: string } }[] };
    expect(deadLetters).toEqual([expect.objectContaining({ function: 'crashes', error: { code: 'Internal', message: 'Internal error' } })]);
    const invocations = await (await api('invocations')).text();
    expect(invocations).not.toContain(dir);
    expect((await write('dead-letters/unknown/retry', 'POST')).status).toBe(404);
  });
});

describe('console options', () => {
  it('with a token: refuses without it, trades ?token= for an HttpOnly cookie, accepts the cookie', async () => {
    const root = await mkdtemp(join(tmpdir(), 'polyfaas-console-token-'));
    const guarded = await serve(app(root), { schedules: false, console: { token: 'sesame-0123456789' } });
    try {
      expect((await fetch(guarded.consoleUrl as string)).status).toBe(401);
      expect((await fetch(`${guarded.consoleUrl}?token=wrong`)).status).toBe(401);
      const login = await fetch(`${guarded.consoleUrl}?token=sesame-0123456789`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = login.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(new RegExp(`^${TOKEN_COOKIE}=sesame-0123456789; HttpOnly; SameSite=Strict`));
      expect((await fetch(`${guarded.consoleUrl}api/functions`, { headers: { cookie: cookie.split(';')[0] as string } })).status).toBe(200);
      expect((await fetch(`${guarded.consoleUrl}api/functions`, { headers: { authorization: 'Bearer sesame-0123456789' } })).status).toBe(200);
    } finally {
      await guarded.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('console: false leaves /_polyfaas/ to the app (404) and records nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'polyfaas-console-off-'));
    const plain = await serve(app(root), { schedules: false, console: false });
    try {
      expect(plain.consoleUrl).toBeUndefined();
      expect((await fetch(`${plain.url}/_polyfaas/`)).status).toBe(404);
      expect((await fetch(`${plain.url}/hello`)).status).toBe(200);
    } finally {
      await plain.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
