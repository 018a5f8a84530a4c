/**
 * Bundle budgets of the Fashion-MNIST `predict` Lambda, as `polyfaas bundle aws`
 * ships it (esbuild bundle of `examples/fashion-mnist/aws.ts`, minified,
 * `sharp` external, tfjs `.wasm` files beside it), model excluded:
 *
 * - JavaScript + WASM ≤ 2 MB zipped;
 * - the whole artifact with image decoding — `sharp` and its installed
 *   `@img/sharp-*` native packages (linux-x64 here) plus sharp's runtime
 *   dependencies, laid out in `node_modules` as they would ship — ≤ 12 MB zipped.
 *
 * And what a cold start reads: the entry plus the chunks it imports
 * statically. The AWS SDK must stay in lazily imported chunks, so a function
 * that never calls S3 never parses it.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, formatBytes } from '../bundling/esbuild-bundle.js';
import type { BundleResult } from '../bundling/esbuild-bundle.js';
import { zipDirectory } from '../bundling/zip.js';
import { staticallyLoaded } from './bundle-chunks.js';

const root = resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;

/** sharp, its installed platform packages and its dependencies: what `npm install sharp` puts in node_modules. */
async function sharpPackages(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, 'node_modules/sharp/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const native = (await readdir(join(root, 'node_modules/@img'))).filter((name) => name.startsWith('sharp-')).map((name) => `@img/${name}`);
  return ['sharp', ...Object.keys(pkg.dependencies ?? {}), ...native];
}

describe('bundle budget: Fashion-MNIST predict on AWS', () => {
  let dir: string;
  let built: BundleResult;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-bundle-budget-'));
    built = await bundleFunction({ entry: join(root, 'examples/fashion-mnist/aws.ts'), outDir: join(dir, 'predict'), external: ['sharp'] });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('JavaScript + WASM stay within 2 MB zipped', async () => {
    const zipped = await zipDirectory(join(dir, 'predict'), join(dir, 'code.zip'));
    console.log(`predict code: js ${formatBytes(built.jsBytes)} + wasm ${formatBytes(built.wasmBytes)} → ${formatBytes(zipped)} zipped (budget 2 MB)`);
    expect(built.wasmBytes).toBeGreaterThan(0);
    expect(zipped).toBeLessThanOrEqual(2 * MB);
  });

  it('loads the AWS SDK only when S3 is used: it lives in lazily imported chunks', async () => {
    const loaded = await staticallyLoaded(join(dir, 'predict'), 'index.mjs');
    const bytes = [...loaded.values()].reduce((sum, code) => sum + Buffer.byteLength(code), 0);
    console.log(`predict cold start reads ${loaded.size} JS files, ${formatBytes(bytes)} of ${formatBytes(built.jsBytes)}`);
    const all = built.files.filter((f) => f.path.endsWith('.mjs'));
    expect(all.length).toBeGreaterThan(loaded.size);
    // The S3 client's Smithy service id: in the SDK's code, not in polyfaas' driver.
    const sdkMarker = 'com.amazonaws.s3';
    for (const [file, code] of loaded) expect(code.includes(sdkMarker), `${file} is loaded at start and contains the S3 SDK`).toBe(false);
    const lazy = await Promise.all(all.filter((f) => !loaded.has(f.path)).map((f) => readFile(join(dir, 'predict', f.path), 'utf8')));
    // The marker really identifies the SDK: some lazy chunk has it.
    expect(lazy.some((code) => code.includes(sdkMarker))).toBe(true);
  });

  it('the whole artifact with sharp for linux-x64 stays within 12 MB zipped', async () => {
    const packages = await sharpPackages();
    expect(packages.some((p) => p.startsWith('@img/sharp-linux-x64'))).toBe(true);
    expect(packages.some((p) => p.startsWith('@img/sharp-libvips-linux-x64'))).toBe(true);
    const artifact = join(dir, 'artifact');
    await cp(join(dir, 'predict'), artifact, { recursive: true });
    for (const name of packages) await cp(join(root, 'node_modules', name), join(artifact, 'node_modules', name), { recursive: true, dereference: true });
    const zipped = await zipDirectory(artifact, join(dir, 'artifact.zip'));
    console.log(`predict artifact with ${packages.join(', ')} → ${formatBytes(zipped)} zipped (budget 12 MB, model excluded)`);
    expect(zipped).toBeLessThanOrEqual(12 * MB);
  }, 60_000);
});
