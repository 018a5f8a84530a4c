import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutput } from './output-dir.js';

describe('writeOutput', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-output-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('removes the folders a failed write created, parents included', async () => {
    const out = join(dir, '.polyfaas/aws/app');
    await expect(
      writeOutput(out, async () => {
        await mkdir(out, { recursive: true });
        await writeFile(join(out, 'half.mjs'), '');
        throw new Error('esbuild failed');
      }),
    ).rejects.toThrow('esbuild failed');
    expect(existsSync(join(dir, '.polyfaas'))).toBe(false);
  });

  it('keeps a folder that existed before and what a successful write made', async () => {
    await mkdir(join(dir, 'kept'));
    await expect(writeOutput(join(dir, 'kept/app'), () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(existsSync(join(dir, 'kept'))).toBe(true);
    await writeOutput(join(dir, 'made/app'), () => mkdir(join(dir, 'made/app'), { recursive: true }));
    expect(existsSync(join(dir, 'made/app'))).toBe(true);
  });
});
