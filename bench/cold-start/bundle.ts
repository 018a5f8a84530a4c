import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunction } from '../../bundling/esbuild-bundle.js';
import type { BundleResult } from '../../bundling/esbuild-bundle.js';
import { fixtureImages } from '../support/fixture-images.js';

/** A built predict bundle, a test PNG and the runner, ready for fresh-process invocations. */
export interface ColdStartKit {
  bundle: BundleResult;
  /** `invoke.mjs`: the plain-node runner both handlers are started with. */
  runner: string;
  seedHandler: string;
  png: string;
  /** Remove the bundle folder. */
  cleanup(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Bundle `predict-entry.ts` the way `polyfaas bundle aws` does (esbuild,
 * minified, `sharp` external, the tfjs `.wasm` files beside `index.mjs`). The
 * folder is inside the repo so the external `sharp` resolves from
 * `node_modules`, as it would from the artifact's own `node_modules`.
 */
export async function buildColdStartKit(): Promise<ColdStartKit> {
  const outDir = resolve(`.polyfaas/bench-bundle-${process.pid}`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const bundle = await bundleFunction({ entry: join(here, 'predict-entry.ts'), outDir: join(outDir, 'predict'), external: ['sharp'] });
  const png = join(outDir, 'image.png');
  const [image] = await fixtureImages(1);
  await writeFile(png, image?.png as Uint8Array);
  return {
    bundle,
    runner: join(here, 'invoke.mjs'),
    seedHandler: join(here, 'seed-handler.mjs'),
    png,
    cleanup: () => rm(outDir, { recursive: true, force: true }),
  };
}

/** Environment of one fresh handler process: both sides read the same FileBucket directory. */
export function handlerEnv(modelDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    POLYFAAS_FUNCTION: 'predict',
    POLYFAAS_BUCKET_DATA: `file://${modelDir}`,
    POLYFAAS_LOG_LEVEL: 'silent',
    AWS_REGION: 'us-east-1',
    SEED_MODEL_DIR: modelDir,
  };
}
