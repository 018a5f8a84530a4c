import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json, PolyfaasError } from '../../src/index.js';
import { FileBucket, serve } from './index.js';
import { RESERVED_DIR } from './layout.js';

/** The error an operation fails with (a PolyfaasError), or undefined if it succeeded. */
async function failure(promise: Promise<unknown>): Promise<PolyfaasError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    if (err instanceof PolyfaasError) return err;
    throw err;
  }
}

const SECRET = 'outside the root: never read, written or deleted';

let dir: string;
let root: string;
let outside: string;
let bucket: FileBucket;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-links-'));
  root = path.join(dir, 'root');
  outside = path.join(dir, 'outside');
  await mkdir(path.join(outside, 'sub'), { recursive: true });
  await writeFile(path.join(outside, 'secret.txt'), SECRET);
  await writeFile(path.join(outside, 'sub', 'deep.txt'), SECRET);
  bucket = new FileBucket(root, { durable: false });
  await bucket.put('real/ok.txt', 'inside');
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'file-link'));
  await symlink(outside, path.join(root, 'dir-link'));
  await symlink(outside, path.join(root, 'real', 'nested-dir-link'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The outside tree, file by file, with contents: must be identical before and after every attack. */
async function outsideTree(): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const e of await readdir(outside, { recursive: true, withFileTypes: true })) {
    const file = path.join(e.parentPath, e.name);
    tree[path.relative(outside, file)] = e.isFile() ? await readFile(file, 'utf8') : '<dir>';
  }
  return tree;
}

/** Keys that reach outside the root through a link to a file or to a directory. */
const LINKED_KEYS = ['file-link', 'dir-link/secret.txt', 'dir-link/sub/deep.txt', 'real/nested-dir-link/secret.txt'];

function expectRefused(err: PolyfaasError | undefined, key: string): void {
  expect(err?.code, key).toBe('Forbidden');
  expect(err?.message).toContain(key);
  expect(err?.message).not.toContain(dir);
  expect(JSON.stringify(err?.details)).not.toContain(dir);
}

describe('FileBucket never follows symbolic links', () => {
  it('refuses get, getFilling, getStream and head through links to files and directories outside the root', async () => {
    let calledBack = false;
    for (const key of LINKED_KEYS) {
      expectRefused(await failure(bucket.get(key)), key);
      expectRefused(await failure(bucket.getFilling(key, () => void (calledBack = true))), key);
      expectRefused(await failure(bucket.getStream(key)), key);
      expectRefused(await failure(bucket.head(key)), key);
      expect(await bucket.exists(key).catch((e: PolyfaasError) => e.code)).toBe('Forbidden');
    }
    expect(calledBack).toBe(false);
  });

  it('refuses put (plain and conditional) through links, leaving the outside files unchanged and nothing created', async () => {
    const before = await outsideTree();
    for (const key of [...LINKED_KEYS, 'dir-link/new.txt', 'dir-link/newdir/new.txt', 'real/nested-dir-link/new.txt']) {
      expectRefused(await failure(bucket.put(key, 'overwritten')), key);
      expectRefused(await failure(bucket.put(key, 'overwritten', { ifNoneMatch: '*' })), key);
      expectRefused(await failure(bucket.put(key, 'overwritten', { ifMatch: 'x' })), key);
    }
    // A stream body too: it is refused before being read.
    expectRefused(await failure(bucket.put('dir-link/secret.txt', new Blob(['overwritten']).stream())), 'dir-link/secret.txt');
    expect(await outsideTree()).toEqual(before);
    // The links themselves were not replaced either.
    expect(await readlink(path.join(root, 'file-link'))).toBe(path.join(outside, 'secret.txt'));
  });

  it('refuses delete through links, leaving the outside files and the links in place', async () => {
    const before = await outsideTree();
    for (const key of LINKED_KEYS) expectRefused(await failure(bucket.delete(key)), key);
    expect(await outsideTree()).toEqual(before);
    expect(await readlink(path.join(root, 'dir-link'))).toBe(outside);
  });

  it('lists neither linked files nor anything under linked directories, whatever the prefix', async () => {
    const keys: string[] = [];
    for await (const obj of bucket.list()) keys.push(obj.key);
    expect(keys).toEqual(['real/ok.txt']);
    for (const prefix of ['dir-link/', 'dir-link/s', 'dir-link/sub/', 'real/nested-dir-link/', 'file-link', 'real/']) {
      const page = await bucket.listPage({ prefix });
      expect(page.objects.map((o) => o.key).filter((k) => k !== 'real/ok.txt'), prefix).toEqual([]);
    }
  });

  it('refuses every write when part of the .polyfaas metadata area is a link, creating nothing outside', async () => {
    const target = path.join(dir, 'planted');
    for (const reserved of [RESERVED_DIR, `${RESERVED_DIR}/tmp`, `${RESERVED_DIR}/locks`, `${RESERVED_DIR}/meta`]) {
      await rm(target, { recursive: true, force: true });
      await mkdir(target);
      const fresh = path.join(dir, `fresh-${reserved.replace(/\W/g, '')}`);
      const other = new FileBucket(fresh, { durable: false });
      await other.put('seed', 'x'); // creates the metadata area
      await rm(path.join(fresh, reserved), { recursive: true, force: true });
      await mkdir(path.dirname(path.join(fresh, reserved)), { recursive: true });
      await symlink(target, path.join(fresh, reserved));
      expectRefused(await failure(other.put('a/b.txt', 'x')), 'a/b.txt');
      expect(await readdir(target), reserved).toEqual([]);
    }
  });

  it('does not delete a sidecar through a linked meta directory', async () => {
    await bucket.put('victim', 'x');
    const h = createHash('sha256').update('victim').digest('hex');
    const planted = path.join(dir, 'planted-meta');
    await mkdir(path.join(planted, h.slice(0, 2)), { recursive: true });
    await writeFile(path.join(planted, h.slice(0, 2), `${h}.json`), SECRET);
    await rm(path.join(root, RESERVED_DIR, 'meta'), { recursive: true });
    await symlink(planted, path.join(root, RESERVED_DIR, 'meta'));
    expectRefused(await failure(bucket.delete('victim')), 'victim');
    expect(await readFile(path.join(planted, h.slice(0, 2), `${h}.json`), 'utf8')).toBe(SECRET);
  });

  it('never sweeps old files through a linked temp directory', async () => {
    const planted = path.join(dir, 'planted-tmp');
    await mkdir(planted);
    const old = path.join(planted, 'old-but-not-ours');
    await writeFile(old, SECRET);
    const hoursAgo = new Date(Date.now() - 3 * 3600_000);
    await utimes(old, hoursAgo, hoursAgo);
    const fresh = new FileBucket(path.join(dir, 'sweep'), { durable: false });
    await mkdir(path.join(dir, 'sweep', RESERVED_DIR), { recursive: true });
    await symlink(planted, path.join(dir, 'sweep', RESERVED_DIR, 'tmp'));
    // The first put of a driver starts the background sweep of abandoned temp files.
    expectRefused(await failure(fresh.put('k', 'x')), 'k');
    await new Promise((r) => setTimeout(r, 200));
    expect(await readFile(old, 'utf8')).toBe(SECRET);
  });

  it('treats a FIFO planted at a key as no object instead of hanging', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(root, 'real', 'fifo')]);
    expect((await failure(bucket.get('real/fifo')))?.code).toBe('NotFound');
    expect((await failure(bucket.head('real/fifo')))?.code).toBe('NotFound');
  });
});

describe('FileBucket links through a real HTTP server', () => {
  it('answers 403 for keys through links, never serving, overwriting or deleting outside files, nor naming a path', async () => {
    const route = (method: 'GET' | 'PUT' | 'DELETE', handler: (bucket: Bucket, key: string, body: Uint8Array) => Promise<unknown>) =>
      defineFunction({
        name: `obj-${method.toLowerCase()}`,
        trigger: { type: 'http', method, path: '/obj' },
        handler: async (req, ctx) => json({ result: await handler(ctx.bucket('data'), req.query.key ?? '', req.body) }),
      });
    const app = defineApp({
      buckets: { data: 'file:///unused' },
      functions: [
        route('GET', async (b, key) => new TextDecoder().decode((await b.get(key)).body)),
        route('PUT', async (b, key, body) => (await b.put(key, body)).size),
        route('DELETE', async (b, key) => b.delete(key)),
      ],
    });
    const server = await serve(app, { buckets: { data: bucket }, log: createLogger({ level: 'silent' }) });
    try {
      const before = await outsideTree();
      const call = async (method: string, key: string, body?: string) => {
        const res = await fetch(`${server.url}/obj?key=${encodeURIComponent(key)}`, { method, ...(body ? { body } : {}) });
        return { status: res.status, text: await res.text() };
      };
      expect(await call('GET', 'real/ok.txt')).toEqual({ status: 200, text: JSON.stringify({ result: 'inside' }) });
      for (const key of LINKED_KEYS) {
        for (const [method, body] of [['GET'], ['PUT', 'overwritten'], ['DELETE']] as const) {
          const res = await call(method, key, body);
          expect(res.status, `${method} ${key}`).toBe(403);
          expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'Forbidden' } });
          expect(res.text).not.toContain(SECRET);
          expect(res.text).not.toContain(dir);
        }
      }
      expect(await outsideTree()).toEqual(before);
      expect((await stat(path.join(outside, 'secret.txt'))).isFile()).toBe(true);
    } finally {
      await server.close();
    }
  });
});
