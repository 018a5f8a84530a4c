import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from './esbuild-bundle.js';
import { zipDirectory } from './zip.js';

const run = promisify(execFile);

describe('bundleFunction', () => {
  let dir: string;
  beforeAll(async () => {
    // Inside the repo, so the entry resolves packages as a user's entry file would.
    await mkdir(resolve(import.meta.dirname, '../.polyfaas'), { recursive: true });
    dir = await mkdtemp(resolve(import.meta.dirname, '../.polyfaas/bundle-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bundles the WASM backend into an ESM file that starts without node_modules', async () => {
    const entry = join(dir, 'entry.ts');
    const root = resolve(import.meta.dirname, '..');
    await writeFile(
      entry,
      `import * as tf from '@tensorflow/tfjs-core';
       import { initBackend } from ${JSON.stringify(join(root, 'src/tf/index.ts'))};
       const info = await initBackend({ logger: () => {} });
       console.log(JSON.stringify({ backend: info.name, sum: tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0] }));`,
    );
    const out = await mkdtemp(join(tmpdir(), 'polyfaas-fn-'));
    const result = await bundleFunction({ entry, outDir: out });
    expect(result.wasmBytes).toBeGreaterThan(100_000);
    expect(result.jsBytes).toBeGreaterThan(10_000);
    // Run from a folder with no node_modules above it: the bundle must be self-contained.
    const { stdout } = await run(process.execPath, [result.entryFile], { cwd: out });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ backend: 'wasm', sum: 5 });
    const zipBytes = await zipDirectory(out, join(dir, 'fn.zip'));
    expect(zipBytes).toBeGreaterThan(0);
    expect(zipBytes).toBeLessThan(result.jsBytes + result.wasmBytes);
  }, 120_000);
});
