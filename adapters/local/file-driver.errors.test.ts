import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json, PolyfaasError } from '../../src/index.js';
import { DriverBucket } from '../../src/adapter.js';
import { FileDriver } from './file-driver.js';
import { FileBucket, serve } from './index.js';
import { FileLayout, RESERVED_DIR } from './layout.js';

async function failure(promise: Promise<unknown>): Promise<PolyfaasError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PolyfaasError) return err;
    throw err;
  }
  throw new Error('expected the operation to fail');
}

let dir: string;
let bucket: FileBucket;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-errors-'));
  bucket = new FileBucket(dir, { durable: false });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A key whose last segment is longer than any file system allows: the file system itself fails (ENAMETOOLONG). */
const TOO_LONG_SEGMENT = `long/${'n'.repeat(300)}`;

/** The same failure, seen from every angle a caller or an HTTP client could see it. */
function expectNamesKeyOnly(err: PolyfaasError, code: string, key: string): void {
  expect(err.code, err.message).toBe(code);
  expect(err.message).toContain(key.slice(0, 40));
  for (const text of [err.message, JSON.stringify(err.details ?? {})]) {
    expect(text).not.toContain(dir);
    expect(text).not.toContain('file://');
  }
}

describe('FileBucket error messages name the key, never a path', () => {
  it('NotFound on get, getStream, head', async () => {
    for (const op of [bucket.get('no/such'), bucket.getStream('no/such'), bucket.head('no/such')]) {
      expectNamesKeyOnly(await failure(op), 'NotFound', 'no/such');
    }
  });

  it('PreconditionFailed for ifNoneMatch and ifMatch', async () => {
    await bucket.put('k', 'x');
    expectNamesKeyOnly(await failure(bucket.put('k', 'y', { ifNoneMatch: '*' })), 'PreconditionFailed', 'k');
    expectNamesKeyOnly(await failure(bucket.put('k', 'y', { ifMatch: 'stale' })), 'PreconditionFailed', 'k');
    expectNamesKeyOnly(await failure(bucket.put('absent', 'y', { ifMatch: 'stale' })), 'PreconditionFailed', 'absent');
  });

  it('AlreadyExists for a key that is also a prefix of another key', async () => {
    await bucket.put('a/b', 'x');
    expectNamesKeyOnly(await failure(bucket.put('a', 'y')), 'AlreadyExists', 'a');
    await bucket.put('f', 'x');
    expectNamesKeyOnly(await failure(bucket.put('f/g', 'y')), 'AlreadyExists', 'f/g');
  });

  it('Forbidden for a key through a link', async () => {
    await mkdir(path.join(dir, 'real'));
    await symlink(tmpdir(), path.join(dir, 'real', 'out'));
    expectNamesKeyOnly(await failure(bucket.get('real/out/x')), 'Forbidden', 'real/out/x');
  });

  it('InvalidArgument for a reserved key and for a name the file system refuses', async () => {
    expectNamesKeyOnly(await failure(bucket.put(`${RESERVED_DIR}/x`, 'y')), 'InvalidArgument', `${RESERVED_DIR}/x`);
    // A raw file-system error (its Node message carries the absolute path) comes out coded, with the key only.
    const err = await failure(bucket.put(TOO_LONG_SEGMENT, 'y'));
    expectNamesKeyOnly(err, 'InvalidArgument', TOO_LONG_SEGMENT);
    expect(String((err.cause as Error).message)).toContain(dir); // the path is kept for the log, in the cause
  });

  it('Unavailable when the write lock stays held, naming the key and not the lock file', async () => {
    const driver = new FileDriver(dir, 'file://x', false, { timeoutMs: 100 });
    const timed = new DriverBucket(driver);
    const lock = new FileLayout(dir).lockPath('busy');
    await mkdir(path.dirname(lock), { recursive: true });
    // A live holder: the test runner's parent process.
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), nonce: 'parent' }));
    expectNamesKeyOnly(await failure(timed.put('busy', 'y')), 'Unavailable', 'busy');
  });
});

describe('FileBucket errors through a real HTTP server', () => {
  it('never puts the bucket root path in a response body', async () => {
    await bucket.put('exists', 'x');
    await bucket.put('dir/child', 'x');
    await symlink(tmpdir(), path.join(dir, 'link'));
    const app = defineApp({
      buckets: { data: 'file:///unused' },
      functions: [
        defineFunction({
          name: 'get',
          trigger: { type: 'http', method: 'GET', path: '/obj' },
          handler: async (req, ctx) => json({ size: (await ctx.bucket('data').get(req.query.key ?? '')).size }),
        }),
        defineFunction({
          name: 'put',
          trigger: { type: 'http', method: 'PUT', path: '/obj' },
          handler: async (req, ctx) => {
            const data: Bucket = ctx.bucket('data');
            const ifNoneMatch = req.query.create === '1' ? { ifNoneMatch: '*' as const } : {};
            return json(await data.put(req.query.key ?? '', req.body, ifNoneMatch));
          },
        }),
      ],
    });
    const server = await serve(app, { buckets: { data: bucket }, log: createLogger({ level: 'silent' }) });
    try {
      const cases: [string, string, number][] = [
        ['GET', 'key=missing', 404],
        ['GET', 'key=link/x', 403],
        ['PUT', 'key=exists&create=1', 412],
        ['PUT', 'key=dir', 409],
        ['PUT', `key=${encodeURIComponent(TOO_LONG_SEGMENT)}`, 400],
        ['PUT', `key=${RESERVED_DIR}/x`, 400],
      ];
      for (const [method, query, status] of cases) {
        const res = await fetch(`${server.url}/obj?${query}`, { method, ...(method === 'PUT' ? { body: 'y' } : {}) });
        const body = await res.text();
        expect(res.status, `${method} ${query}: ${body}`).toBe(status);
        expect(body, `${method} ${query}`).not.toContain(dir);
        expect(body).not.toContain('file://');
        expect(JSON.parse(body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    } finally {
      await server.close();
    }
  });
});
