/**
 * Bundle budgets of the Fashion-MNIST `predict` Lambda, as `polyfaas bundle aws`
 * ships it (esbuild bundle of `examples/fashion-mnist/aws.ts`, minified,
 * `sharp` external, tfjs `.wasm` files beside it), model excluded:
 *
 * - JavaScript + WASM ≤ 2 MB zipped;
 * - the whole artifact with image decoding — `sharp` and its installed
 *   `@img/sharp-*` native packages (linux-x64 here) plus sharp's runtime
 *   dependencies, laid out in `node_modules` as they would ship — ≤ 12 MB zipped.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, formatBytes } from '../cli/bundle/esbuild-bundle.js';
import type { BundleResult } from '../cli/bundle/esbuild-bundle.js';
import { zipDirectory } from '../cli/bundle/zip.js';

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
