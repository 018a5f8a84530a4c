import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPolyfaasError, openBucket, PolyfaasError } from '../../src/index.js';
import { FileBucket, registerSchemes } from './index.js';
import { RESERVED_DIR } from './layout.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PolyfaasError) return err.code;
    throw err;
  }
  return 'no error';
}

/** Every file under `dir`, relative, with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

let dir: string;
let bucket: FileBucket;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-file-'));
  bucket = new FileBucket(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileBucket layout', () => {
  it('stores objects as plain files at their key path and is named by file URL', async () => {
    await bucket.put('images/cat.png', 'meow', { contentType: 'image/png' });
    expect(await readFile(path.join(dir, 'images', 'cat.png'), 'utf8')).toBe('meow');
    expect(bucket.name).toBe(`file://${dir}`);
  });

  it('keeps sidecars, locks and temp files out of listings', async () => {
    await bucket.put('a', '1', { metadata: { run: '1' } });
    await bucket.put('z/b', '2');
    const onDisk = await filesUnder(dir);
    expect(onDisk.some((f) => f.startsWith(`${RESERVED_DIR}/meta/`))).toBe(true);
    const keys: string[] = [];
    for await (const obj of bucket.list()) keys.push(obj.key);
    expect(keys).toEqual(['a', 'z/b']);
    expect((await bucket.listPage({ prefix: '.p' })).objects).toEqual([]);
    // No temp files or locks survive a completed write.
    expect(onDisk.filter((f) => f.startsWith(`${RESERVED_DIR}/tmp/`) || f.startsWith(`${RESERVED_DIR}/locks/`))).toEqual([]);
  });

  it('rejects keys inside the reserved directory so metadata cannot be read or clobbered', async () => {
    await bucket.put('a', '1');
    for (const key of [RESERVED_DIR, `${RESERVED_DIR}/meta/x.json`, `${RESERVED_DIR}/tmp/x`, `nested/${RESERVED_DIR}/x`]) {
      expect(await codeOf(bucket.put(key, 'evil'))).toBe('InvalidArgument');
      expect(await codeOf(bucket.get(key))).toBe('InvalidArgument');
      expect(await codeOf(bucket.head(key))).toBe('InvalidArgument');
      expect(await codeOf(bucket.delete(key))).toBe('InvalidArgument');
    }
    expect((await bucket.listPage({ prefix: `${RESERVED_DIR}/` })).objects).toEqual([]);
    expect((await bucket.listPage({ prefix: `${RESERVED_DIR}/meta/` })).objects).toEqual([]);
    // Look-alike names are ordinary keys.
    await bucket.put('.polyfaasx/ok', 'fine');
    expect(text((await bucket.get('.polyfaasx/ok')).body)).toBe('fine');
  });

  it('keeps a bucket rooted inside another one from leaking its metadata into the outer listing', async () => {
    const inner = new FileBucket(path.join(dir, 'models'));
    await inner.put('m.bin', 'weights', { contentType: 'application/x-model' });
    await bucket.put('readme.txt', 'hi');
    const keys: string[] = [];
    for await (const obj of bucket.list()) keys.push(obj.key);
    expect(keys).toEqual(['models/m.bin', 'readme.txt']);
    expect((await inner.head('m.bin')).contentType).toBe('application/x-model');
  });

  it('reports a key that is also a prefix of another key as AlreadyExists, leaving both sides intact', async () => {
    await bucket.put('a', 'file');
    expect(await codeOf(bucket.put('a/b', 'x'))).toBe('AlreadyExists');
    await bucket.put('d/e', 'nested');
    expect(await codeOf(bucket.put('d', 'x'))).toBe('AlreadyExists');
    expect(text((await bucket.get('a')).body)).toBe('file');
    expect(text((await bucket.get('d/e')).body)).toBe('nested');
    expect(await codeOf(bucket.get('d'))).toBe('NotFound');
    expect(await codeOf(bucket.get('a/b'))).toBe('NotFound');
    await bucket.delete('d');
    expect(await bucket.exists('d/e')).toBe(true);
    // A refused write leaves no sidecar behind: one per stored object.
    expect(await filesUnder(path.join(dir, RESERVED_DIR, 'meta'))).toHaveLength(2);
  });

  it('serves files dropped in by hand, with a stable etag that changes when the file is replaced', async () => {
    await mkdir(path.join(dir, 'seed'), { recursive: true });
    await writeFile(path.join(dir, 'seed', 'x.bin'), 'hand made');
    const first = await bucket.head('seed/x.bin');
    expect(first).toMatchObject({ key: 'seed/x.bin', size: 9, contentType: 'application/octet-stream', metadata: {} });
    expect((await bucket.head('seed/x.bin')).etag).toBe(first.etag);
    const listed = (await bucket.listPage()).objects;
    expect(listed.map((o) => o.key)).toEqual(['seed/x.bin']);
    await rm(path.join(dir, 'seed', 'x.bin'));
    await writeFile(path.join(dir, 'seed', 'x.bin'), 'hand made, again');
    expect((await bucket.head('seed/x.bin')).etag).not.toBe(first.etag);
    // CAS works against synthesized etags too.
    const current = await bucket.head('seed/x.bin');
    await bucket.put('seed/x.bin', 'replaced', { ifMatch: current.etag, contentType: 'text/plain' });
    expect((await bucket.head('seed/x.bin')).contentType).toBe('text/plain');
  });

  it('answers PayloadTooLarge, naming getStream, for a whole read of a file past 2 GiB; the stream still reads it', async () => {
    // Sparse: 3 GiB on paper, no blocks on disk.
    await mkdir(path.join(dir, 'huge'), { recursive: true });
    await writeFile(path.join(dir, 'huge', 'sparse.bin'), '');
    await truncate(path.join(dir, 'huge', 'sparse.bin'), 3 * 2 ** 30);
    for (const read of [() => bucket.get('huge/sparse.bin'), () => bucket.getFilling('huge/sparse.bin', () => undefined)]) {
      const err = await read().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(PolyfaasError);
      expect((err as PolyfaasError).code).toBe('PayloadTooLarge');
      expect((err as PolyfaasError).message).toContain('getStream');
      expect((err as PolyfaasError).message).not.toContain(dir);
    }
    const stream = await bucket.getStream('huge/sparse.bin');
    expect(stream.size).toBe(3 * 2 ** 30);
    stream.body.destroy();
  });

  it('returns the same info from put, head, get and list', async () => {
    const put = await bucket.put('k', 'v', { contentType: 'text/plain', metadata: { a: '1' } });
    const { body, ...got } = await bucket.get('k');
    expect(text(body)).toBe('v');
    expect(await bucket.head('k')).toEqual(put);
    expect(got).toEqual(put);
    expect((await bucket.listPage()).objects[0]).toEqual(put);
  });
});

describe('FileBucket atomic writes', () => {
  it('keeps the previous object intact, and no temp file, when a body stream fails midway', async () => {
    const before = await bucket.put('model.bin', 'good version', { contentType: 'text/plain' });
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(256 * 1024, 1));
        this.destroy(new Error('network dropped'));
      },
    });
    await expect(bucket.put('model.bin', failing)).rejects.toBeInstanceOf(PolyfaasError);
    const after = await bucket.get('model.bin');
    expect(text(after.body)).toBe('good version');
    expect(after.etag).toBe(before.etag);
    expect(after.contentType).toBe('text/plain');
    expect((await filesUnder(dir)).filter((f) => !f.startsWith(`${RESERVED_DIR}/meta/`))).toEqual(['model.bin']);
  });

  it('never creates an object when the first write of a key fails midway', async () => {
    async function* broken() {
      yield new Uint8Array(10);
      throw new Error('source failed');
    }
    expect(await codeOf(bucket.put('new/obj', broken()))).toBe('Internal');
    expect(await bucket.exists('new/obj')).toBe(false);
    expect((await bucket.listPage()).objects).toEqual([]);
  });

  it('streams a 64 MiB body to disk without buffering it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let peak = 0;
    const baseline = process.memoryUsage().arrayBuffers;
    async function* source() {
      for (let i = 0; i < 64; i++) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
        yield chunk;
      }
    }
    const info = await bucket.put('big.bin', source());
    expect(info.size).toBe(64 * 1024 * 1024);
    expect((await stat(path.join(dir, 'big.bin'))).size).toBe(64 * 1024 * 1024);
    // The same chunk is reused, so anything near 64 MiB would mean the driver copied and held the body.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });

  it('gives readers racing a writer matching body and metadata, never a mix', async () => {
    // Not durable: fsync timing is irrelevant to the race and only slows the test.
    bucket = new FileBucket(dir, { durable: false });
    await bucket.put('hot', 'v0', { contentType: 'text/v0', metadata: { v: '0' } });
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 30; i++) await bucket.put('hot', `v${i}`, { contentType: `text/v${i}`, metadata: { v: String(i) } });
      writing = false;
    })();
    const mismatches: string[] = [];
    const reader = async () => {
      while (writing) {
        const [obj, head] = await Promise.all([bucket.get('hot'), bucket.head('hot')]);
        const v = text(obj.body).slice(1);
        if (obj.metadata.v !== v || obj.contentType !== `text/v${v}` || obj.size !== obj.body.byteLength) mismatches.push(`get ${v}`);
        if (head.contentType !== `text/v${head.metadata.v}`) mismatches.push(`head ${head.metadata.v}`);
      }
    };
    await Promise.all([writer, reader(), reader(), reader()]);
    expect(mismatches).toEqual([]);
  });

  it('survives a crash between the sidecar and the data rename (previous entry still describes the bytes)', async () => {
    const info = await bucket.put('k', 'committed', { contentType: 'text/plain' });
    const metaDir = path.join(dir, RESERVED_DIR, 'meta');
    const [metaFile] = (await filesUnder(metaDir)).map((f) => path.join(metaDir, f));
    const sidecar = JSON.parse(await readFile(metaFile as string, 'utf8'));
    // What a crash leaves: the new sidecar is in place, the new bytes never arrived.
    sidecar.previous = sidecar.current;
    sidecar.current = { ...sidecar.current, ino: '1', etag: 'never-landed', size: 99, contentType: 'image/png' };
    await writeFile(metaFile as string, JSON.stringify(sidecar));
    expect(await bucket.head('k')).toEqual(info);
    expect(text((await bucket.get('k')).body)).toBe('committed');
  });
});

describe('FileBucket conditional writes', () => {
  it('lets exactly one of many concurrent ifNoneMatch writers win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => bucket.put('once', `w${i}`, { ifNoneMatch: '*' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isPolyfaasError(r.reason, 'PreconditionFailed')).toBe(true);
  });

  it('serialises compare-and-swap so concurrent increments never lose an update', async () => {
    bucket = new FileBucket(dir, { durable: false });
    await bucket.put('counter', '0');
    const increment = async () => {
      for (;;) {
        const cur = await bucket.get('counter');
        try {
          await bucket.put('counter', String(Number(text(cur.body)) + 1), { ifMatch: cur.etag });
          return;
        } catch (err) {
          if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, increment));
    expect(text((await bucket.get('counter')).body)).toBe('12');
  });

  it('is race-free across processes sharing the directory', async () => {
    const workers = 4;
    const keys = 25;
    const increments = 10;
    await bucket.put('shared/counter', '0');
    const script = `
      const { FileBucket } = await import(process.argv[1]);
      const bucket = new FileBucket(process.argv[2]);
      const wins = [];
      for (let i = 0; i < ${keys}; i++) {
        try { await bucket.put('once/' + i, process.argv[3], { ifNoneMatch: '*' }); wins.push(i); }
        catch (err) { if (err.code !== 'PreconditionFailed') throw err; }
      }
      for (let n = 0; n < ${increments}; n++) {
        for (;;) {
          const cur = await bucket.get('shared/counter');
          try { await bucket.put('shared/counter', String(Number(new TextDecoder().decode(cur.body)) + 1), { ifMatch: cur.etag }); break; }
          catch (err) { if (err.code !== 'PreconditionFailed') throw err; }
        }
      }
      process.stdout.write(JSON.stringify(wins));
    `;
    const entry = fileURLToPath(new URL('./file-bucket.ts', import.meta.url));
    const run = promisify(execFile);
    const outputs = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entry, dir, `worker-${w}`], { cwd: process.cwd() }),
      ),
    );
    const wins = outputs.map((o) => JSON.parse(o.stdout) as number[]);
    const all = wins.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: keys }, (_, i) => i));
    for (let i = 0; i < keys; i++) {
      const winner = wins.findIndex((w) => w.includes(i));
      expect(text((await bucket.get(`once/${i}`)).body)).toBe(`worker-${winner}`);
    }
    expect(text((await bucket.get('shared/counter')).body)).toBe(String(workers * increments));
  }, 60_000);
});

describe('FileBucket concurrent unconditional writers', () => {
  it('keeps body and metadata consistent, last writer winning, when two processes overwrite one key', async () => {
    // Why the lock is still taken for unconditional puts: without it, A writes its sidecar,
    // B writes its sidecar, B renames its body, A renames its body, and A's bytes end up
    // described by B's metadata. This test fails if that interleaving becomes possible.
    const writes = 300;
    await bucket.put('hot', 'seed', { contentType: 'text/seed', metadata: { w: 'seed' } });
    const script = `
      const { FileBucket } = await import(process.argv[1]);
      const bucket = new FileBucket(process.argv[2], { durable: false });
      const me = process.argv[3];
      for (let i = 0; i < ${writes}; i++) {
        const tag = me + '-' + i;
        await bucket.put('hot', tag, { contentType: 'text/' + tag, metadata: { w: tag } });
      }
    `;
    const entry = fileURLToPath(new URL('./file-bucket.ts', import.meta.url));
    const run = promisify(execFile);
    const writers = ['a', 'b'].map((w) =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entry, dir, w], { cwd: process.cwd() }),
    );
    let done = false;
    const mismatches: string[] = [];
    const reader = async () => {
      while (!done) {
        const obj = await bucket.get('hot');
        const tag = text(obj.body);
        if (obj.contentType !== `text/${tag}` || obj.metadata.w !== tag || obj.size !== obj.body.byteLength) mismatches.push(tag);
      }
    };
    const readers = [reader(), reader()];
    await Promise.all(writers).finally(() => (done = true));
    await Promise.all(readers);
    expect(mismatches).toEqual([]);
    const final = await bucket.get('hot');
    // Whichever process committed last, its last commit was its final write.
    expect([`a-${writes - 1}`, `b-${writes - 1}`]).toContain(text(final.body));
    expect(final.contentType).toBe(`text/${text(final.body)}`);
    expect(await bucket.head('hot')).toEqual((({ body: _, ...info }) => info)(final));
    const leftovers = (await filesUnder(dir)).filter((f) => f.startsWith(`${RESERVED_DIR}/tmp/`) || f.startsWith(`${RESERVED_DIR}/locks/`));
    expect(leftovers).toEqual([]);
  }, 60_000);
});

describe('FileBucket delete and listing', () => {
  it('removes the sidecar and empty parent directories, never the root', async () => {
    await bucket.put('a/b/c/deep.txt', 'x');
    await bucket.put('a/keep.txt', 'y');
    await bucket.delete('a/b/c/deep.txt');
    expect(await filesUnder(path.join(dir, 'a'))).toEqual(['keep.txt']);
    await bucket.delete('a/keep.txt');
    expect((await readdir(dir)).filter((n) => n !== RESERVED_DIR)).toEqual([]);
    expect(await filesUnder(path.join(dir, RESERVED_DIR, 'meta'))).toEqual([]);
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('treats a bucket whose directory does not exist yet as empty', async () => {
    const fresh = new FileBucket(path.join(dir, 'not', 'yet'));
    expect((await fresh.listPage()).objects).toEqual([]);
    expect(await codeOf(fresh.get('x'))).toBe('NotFound');
    await fresh.delete('x');
    await fresh.put('x', 'now it exists');
    expect(await fresh.exists('x')).toBe(true);
  });

  it('orders keys as strings, interleaving directories and files correctly', async () => {
    const keys = ['x', 'x-1', 'x.y', 'x/0', 'x/a/b', 'x0', 'x~', 'y/é', 'y/z', 'Z'];
    const byString = [...keys].sort((a, b) => (a < b ? -1 : 1));
    // 'x' (file) cannot coexist with 'x/...' (directory) on disk, so store it under another root.
    for (const key of keys.filter((k) => k !== 'x')) await bucket.put(key, key);
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bucket.listPage({ pageSize: 2, ...(cursor ? { cursor } : {}) });
      listed.push(...page.objects.map((o) => o.key));
      cursor = page.cursor;
    } while (cursor);
    expect(listed).toEqual(byString.filter((k) => k !== 'x'));
    expect((await bucket.listPage({ prefix: 'x/a' })).objects.map((o) => o.key)).toEqual(['x/a/b']);
    expect((await bucket.listPage({ prefix: 'x-' })).objects.map((o) => o.key)).toEqual(['x-1']);
  });

  it('rejects a garbage cursor with InvalidArgument', async () => {
    expect(await codeOf(bucket.listPage({ cursor: '!!!' }))).toBe('InvalidArgument');
  });
});

describe('registerSchemes', () => {
  it('opens file:// URLs as FileBuckets', async () => {
    registerSchemes();
    const opened = await openBucket(`file://${dir}/sub`);
    await opened.put('hello.txt', 'hi');
    expect(await readFile(path.join(dir, 'sub', 'hello.txt'), 'utf8')).toBe('hi');
    expect(opened.name).toBe(`file://${dir}/sub`);
  });

  it('rejects file URLs naming another host', async () => {
    registerSchemes();
    expect(await codeOf(openBucket('file://elsewhere/data'))).toBe('InvalidArgument');
  });
});
