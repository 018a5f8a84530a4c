import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
