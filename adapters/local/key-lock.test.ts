import { spawnSync } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withKeyLock } from './key-lock.js';

let dir: string;
let lock: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-lock-'));
  lock = path.join(dir, 'locks', 'k.lock');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('withKeyLock', () => {
  it('runs critical sections for one key one at a time, in order, and removes the lock file', async () => {
    const events: string[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        withKeyLock(lock, async () => {
          events.push(`start ${n}`);
          await new Promise((r) => setTimeout(r, 5));
          events.push(`end ${n}`);
        }),
      ),
    );
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(await readdir(path.dirname(lock))).toEqual([]);
  });

  it('releases the lock when the critical section throws', async () => {
    await expect(withKeyLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withKeyLock(lock, async () => 'next')).resolves.toBe('next');
  });

  it('breaks a lock left by a process that no longer exists', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await withKeyLock(lock, async () => undefined); // creates the directory
    await writeFile(lock, JSON.stringify({ pid: Number(dead), host: hostname(), time: new Date().toISOString() }));
    await expect(withKeyLock(lock, async () => 'took over', { timeoutMs: 2000 })).resolves.toBe('took over');
  });

  it('breaks a lock older than staleMs whatever its owner', async () => {
    await withKeyLock(lock, async () => undefined);
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'another-machine' }));
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await expect(withKeyLock(lock, async () => 'took over', { timeoutMs: 2000 })).resolves.toBe('took over');
  });

  it('times out with Unavailable while a live holder keeps the lock', async () => {
    await withKeyLock(lock, async () => undefined);
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    await expect(withKeyLock(lock, async () => 'never', { timeoutMs: 100 })).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('publishes the lock file as another file: whole content, lock still held until release', async () => {
    const target = path.join(dir, 'meta', 'ab', 'k.json');
    const temp = path.join(dir, 'tmp', 't1');
    await withKeyLock(lock, async (held) => {
      await held.publish(target, temp, { v: 1 }, false);
      // The target is the lock's inode, and the lock name still exists: another process's O_EXCL create fails.
      expect((await stat(lock)).ino).toBe((await stat(target)).ino);
      await expect(open(lock, 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    });
    // The published file keeps naming the holder, so a writer killed before releasing is still recognised.
    expect(JSON.parse(await readFile(target, 'utf8'))).toEqual({ v: 1, holder: expect.objectContaining({ pid: process.pid, host: hostname() }) });
    expect(await readdir(path.dirname(lock))).toEqual([]);
  });

  it('publishes over an existing file atomically, leaving no temp file, and refuses to publish twice', async () => {
    const target = path.join(dir, 'k.json');
    const temp = path.join(dir, 'tmp', 't2');
    await writeFile(target, 'old content that is longer than the new one');
    await withKeyLock(lock, async (held) => {
      await held.publish(target, temp, { n: 'new' }, true);
      await expect(held.publish(target, temp, { n: 'again' }, false)).rejects.toThrow(/already published/);
    });
    expect(JSON.parse(await readFile(target, 'utf8'))).toMatchObject({ n: 'new' });
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });
});
