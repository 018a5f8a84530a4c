import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEntry, loadEntryApp } from './load-entry.js';

const root = resolve(import.meta.dirname, '../..');

describe('the entry loader', () => {
  let dir: string;
  beforeAll(async () => {
    // Inside the repo, so the entries resolve installed packages as a user's would.
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    dir = await mkdtemp(join(root, '.polyfaas/entry-test-'));
    await writeFile(join(dir, 'shout.ts'), 'export const shout = (s: string): string => s.toUpperCase();\n');
    await writeFile(
      join(dir, 'app.mts'),
      `import { shout } from './shout.js';
       import { defineApp, defineFunction, json } from ${JSON.stringify(join(root, 'src/index.ts'))};
       interface Greeting { text: string }
       const g: Greeting = { text: shout('hi') };
       export const here = import.meta.url;
       export const app = defineApp({ name: 'entry-test', functions: [defineFunction({ name: 'hi', trigger: { type: 'http', method: 'GET', path: '/' }, handler: () => json(g) })] });\n`,
    );
    await writeFile(join(dir, 'needs.ts'), "import a from 'polyfaas-missing-one';\nimport { b } from '@polyfaas-missing/two/sub';\nexport default [a, b];\n");
    await writeFile(join(dir, 'broken.ts'), 'export const x: number = ;\n');
    await writeFile(join(dir, 'no-app.ts'), 'export const app = 42;\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports a TypeScript entry with NodeNext .js imports, as if from its own folder, and leaves no file behind', async () => {
    const before = await readdir(dir);
    const mod = await importEntry(join(dir, 'app.mts'), 'polyfaas test');
    expect(new URL(mod.here as string).pathname.startsWith(`${dir}/`)).toBe(true);
    expect(await readdir(dir)).toEqual(before);
    const app = await loadEntryApp(join(dir, 'app.mts'), 'polyfaas test');
    expect(app.name).toBe('entry-test');
  });

  it('names every missing package in one error with the npm install line', async () => {
    const err = (await importEntry(join(dir, 'needs.ts'), 'polyfaas test').catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.code).toBe('PreconditionFailed');
    expect(err.message).toContain('polyfaas test needs polyfaas-missing-one, @polyfaas-missing/two');
    expect(err.message.split('\n').filter((l) => l.includes('npm install'))).toEqual(['  npm install polyfaas-missing-one @polyfaas-missing/two']);
  });

  it('reports a compile error with a relative location, no absolute path', async () => {
    const err = (await importEntry(join(dir, 'broken.ts'), 'polyfaas test').catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toMatch(/broken\.ts:1:\d+: /);
    expect(err.message).not.toContain(root);
    expect(existsSync(dir)).toBe(true);
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rejects an entry without an app and a file that does not exist', async () => {
    await expect(loadEntryApp(join(dir, 'no-app.ts'), 'polyfaas test')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(importEntry(join(dir, 'nope.ts'), 'polyfaas test')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
