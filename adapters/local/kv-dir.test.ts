import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeyValueStore } from '../../src/index.js';
import { runKeyValueConformance } from '../../src/testing/index.js';
import { FileKeyValueStore, registerSchemes } from './index.js';

const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-kv-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

runKeyValueConformance('file', {
  open: async () => new FileKeyValueStore(dir),
  processes: { url: pathToFileURL(dir).href, module: path.resolve(import.meta.dirname, 'index.ts') },
});

describe('FileKeyValueStore', () => {
  it('opens by file:// URL once registered', async () => {
    registerSchemes();
    const kv = await openKeyValueStore(`${pathToFileURL(dir).href}?durable=false`);
    await kv.put('by-url', 1);
    expect((await new FileKeyValueStore(dir).get('by-url'))?.value).toBe(1);
  });

  it('leaves no temp or lock files behind', async () => {
    const kv = new FileKeyValueStore(dir);
    await kv.put('tidy', 1, { ifAbsent: true });
    await kv.increment('tidy');
    await kv.delete('tidy', { ifVersion: (await kv.get('tidy'))?.version as string });
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    expect(await readdir(path.join(dir, '.locks'))).toEqual([]);
  });
});

describe('FileKeyValueStore after a writer is killed (kill -9) mid-write', () => {
  it('keeps every entry whole and lets the next writer take the dead one’s lock', async () => {
    const crashDir = await mkdtemp(path.join(tmpdir(), 'polyfaas-kv-crash-'));
    const entry = fileURLToPath(new URL('./kv-dir.ts', import.meta.url));
    // Big values make each write long enough for the kill to land inside one; durable, as the default.
    const script = `
      const { FileKeyValueStore } = await import(process.argv[1]);
      const kv = new FileKeyValueStore(process.argv[2]);
      for (let n = 0; ; n++) {
        await kv.put('doc', { n, pad: 'x'.repeat(200000) });
        await kv.increment('count');
        const cur = await kv.get('doc');
        await kv.put('doc', { n, pad: 'y'.repeat(200000) }, { ifVersion: cur.version });
        if (n === 0) process.stdout.write('ready\\n');
      }
    `;
    try {
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, entry, crashDir], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve, reject) => {
          child.stdout.once('data', () => resolve());
          child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        });
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
        const kv = new FileKeyValueStore(crashDir);
        const doc = (await kv.get<{ n: number; pad: string }>('doc'))?.value;
        expect(typeof doc?.n).toBe('number');
        expect(doc?.pad).toMatch(/^(x{200000}|y{200000})$/);
        const before = (await kv.get<number>('count'))?.value as number;
        // The killed writer may have held a key lock: the next writer breaks it (its holder is dead) and goes on.
        expect(await kv.increment('count')).toBe(before + 1);
        const { version } = (await kv.get('doc'))!;
        await kv.put('doc', { n: -1, pad: '' }, { ifVersion: version });
      }
    } finally {
      await rm(crashDir, { recursive: true, force: true });
    }
  }, 60_000);
});
