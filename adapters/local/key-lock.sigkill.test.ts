import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriverBucket } from '../../src/adapter.js';
import { FileDriver } from './file-driver.js';
import { withKeyLock } from './key-lock.js';
import { FileLayout } from './layout.js';

/** Far beyond the test's own timeout: a lock broken by age alone would fail the test. */
const NEVER_STALE = { staleMs: 600_000, timeoutMs: 600_000 };
/** Well before the stale timeout; a dead holder on this host is detected on the first look. */
const PROMPTLY_MS = 5_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-sigkill-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * Start a child process that takes the lock at `lockFile` (optionally
 * publishing it as `publishTo`, as a FileBucket commit does), reports it
 * holds the lock, and is then SIGKILLed while still holding it.
 */
async function killWhileHolding(lockFile: string, publishTo?: string): Promise<void> {
  const script = `
    const { withKeyLock } = await import(process.argv[1]);
    const [lockFile, publishTo, temp] = process.argv.slice(2);
    await withKeyLock(lockFile, async (lock) => {
      if (publishTo) await lock.publish(publishTo, temp, { v: 1, key: 'k' }, true);
      process.stdout.write('holding\\n');
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    });
  `;
  const entry = fileURLToPath(new URL('./key-lock.ts', import.meta.url));
  const args = ['--import', 'tsx', '--input-type=module', '-e', script, entry, lockFile, publishTo ?? '', path.join(dir, 'publish-temp')];
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('holding')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before taking the lock`)));
  });
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await fn();
  return Date.now() - started;
}

describe('withKeyLock after its holder is SIGKILLed', () => {
  it('takes over at once from a holder killed while holding the lock', async () => {
    const lock = path.join(dir, 'locks', 'k.lock');
    await killWhileHolding(lock);
    expect(await elapsed(() => withKeyLock(lock, async () => undefined, NEVER_STALE))).toBeLessThan(PROMPTLY_MS);
  }, 30_000);

  it('takes over at once from a holder killed after publishing the lock as a sidecar, before releasing it', async () => {
    const lock = path.join(dir, 'locks', 'k.lock');
    await killWhileHolding(lock, path.join(dir, 'meta', 'k.json'));
    expect(await elapsed(() => withKeyLock(lock, async () => undefined, NEVER_STALE))).toBeLessThan(PROMPTLY_MS);
  }, 30_000);

  it('lets the next FileBucket write of the key complete at once', async () => {
    const root = path.join(dir, 'bucket');
    const bucket = new DriverBucket(new FileDriver(root, 'file://test', false, NEVER_STALE));
    await bucket.put('hot', 'before');
    const layout = new FileLayout(root);
    await killWhileHolding(layout.lockPath('hot'), layout.metaPath('hot'));
    expect(await elapsed(() => bucket.put('hot', 'after'))).toBeLessThan(PROMPTLY_MS);
    expect(new TextDecoder().decode((await bucket.get('hot')).body)).toBe('after');
    expect((await readdir(layout.lockDir)).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 30_000);
});

describe('FileBucket crash leftovers in the lock directory', () => {
  it('sweeps lock drafts abandoned by a crash (older than an hour), never fresh drafts or locks', async () => {
    const root = path.join(dir, 'bucket');
    const layout = new FileLayout(root);
    await mkdir(layout.lockDir, { recursive: true });
    const names = ['x.lock.dead-0.new', 'y.lock.live-0.new', 'z.lock'];
    for (const name of names) await writeFile(path.join(layout.lockDir, name), '{}');
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const name of ['x.lock.dead-0.new', 'z.lock']) await utimes(path.join(layout.lockDir, name), old, old);
    const bucket = new DriverBucket(new FileDriver(root, 'file://test', false));
    await bucket.put('k', 'v'); // the first put starts the background sweep
    for (let i = 0; i < 100 && (await readdir(layout.lockDir)).includes('x.lock.dead-0.new'); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await readdir(layout.lockDir)).sort()).toEqual(['y.lock.live-0.new', 'z.lock']);
  });
});

describe('withKeyLock holder identity', () => {
  it('breaks at once a lock naming this pid but another process incarnation (PID reuse, e.g. PID 1 in containers)', async () => {
    const lock = path.join(dir, 'locks', 'k.lock');
    await withKeyLock(lock, async () => undefined); // creates the directory
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'an-earlier-process' }));
    expect(await elapsed(() => withKeyLock(lock, async () => undefined, NEVER_STALE))).toBeLessThan(PROMPTLY_MS);
  });

  it('breaks at once a lock naming a live pid that started at another time (the pid was reused)', async () => {
    const lock = path.join(dir, 'locks', 'k.lock');
    await withKeyLock(lock, async () => undefined);
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), nonce: 'x', start: '1' }));
    expect(await elapsed(() => withKeyLock(lock, async () => undefined, NEVER_STALE))).toBeLessThan(PROMPTLY_MS);
  });

  it('still waits for a live holder on this host', async () => {
    const lock = path.join(dir, 'locks', 'k.lock');
    await withKeyLock(lock, async () => undefined);
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname(), nonce: 'parent' }));
    await expect(withKeyLock(lock, async () => 'never', { staleMs: 600_000, timeoutMs: 200 })).rejects.toMatchObject({ code: 'Unavailable' });
  });
});
