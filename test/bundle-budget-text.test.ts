/**
 * Bundle budget of the spam example's `classify` Lambda as `polyfaas bundle aws`
 * ships it (esbuild bundle of `examples/spam-detection/aws.ts`, minified, tfjs
 * `.wasm` beside it, model excluded): the same 2 MB zipped budget as the image
 * pipeline's `predict`. The text pipeline needs no native image decoder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, formatBytes } from '../bundling/esbuild-bundle.js';
import type { BundleResult } from '../bundling/esbuild-bundle.js';
import { zipDirectory } from '../bundling/zip.js';

const root = resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;

describe('bundle budget: spam-detection classify on AWS', () => {
  let dir: string;
  let built: BundleResult;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-bundle-text-'));
    built = await bundleFunction({ entry: join(root, 'examples/spam-detection/aws.ts'), outDir: join(dir, 'classify'), external: ['sharp'] });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('JavaScript + WASM stay within 2 MB zipped', async () => {
    const zipped = await zipDirectory(join(dir, 'classify'), join(dir, 'code.zip'));
    console.log(`classify code: js ${formatBytes(built.jsBytes)} + wasm ${formatBytes(built.wasmBytes)} → ${formatBytes(zipped)} zipped (budget 2 MB)`);
    expect(built.wasmBytes).toBeGreaterThan(0);
    expect(zipped).toBeLessThanOrEqual(2 * MB);
  });
});
