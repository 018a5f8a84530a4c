import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FileBucket } from '../../adapters/local/index.js';
import { copyPrefix, MODELS_PREFIX, trainQuickModel } from '../../test/aws/quick-model.js';
import { loadFixtureData } from '../../examples/fashion-mnist/test-support.js';

/** The model every serving benchmark uses, as the pipeline names it. */
export const BENCH_MODEL_NAME = 'fashion-mnist';

/** Cache directory (gitignored via `.polyfaas/`): a FileBucket root holding `models/…`. */
export const BENCH_MODEL_DIR = resolve('.polyfaas/bench-model');

/** A trained, promoted model in a FileBucket directory. */
export interface BenchModel {
  /** FileBucket root: the pipeline's `data` bucket. */
  dir: string;
  name: string;
  version: string;
  /** `<dir>/models/<name>/versions/<version>`: model.json + weights.bin as plain files. */
  versionDir: string;
}

async function readModel(dir: string): Promise<BenchModel> {
  const alias = JSON.parse(await readFile(join(dir, MODELS_PREFIX, BENCH_MODEL_NAME, 'aliases/production.json'), 'utf8')) as { version: string };
  return { dir, name: BENCH_MODEL_NAME, version: alias.version, versionDir: join(dir, MODELS_PREFIX, BENCH_MODEL_NAME, 'versions', alias.version) };
}

/**
 * The cached bench model, trained on first use: the real pipeline on the
 * memory runtime over the committed fixture (1 epoch, 500 examples: seconds),
 * then its `models/` prefix copied into a FileBucket. Built in a temp folder
 * and renamed into place so a crashed run never leaves half a cache.
 */
export async function ensureBenchModel(dir = BENCH_MODEL_DIR): Promise<BenchModel> {
  try {
    return await readModel(dir);
  } catch {
    // Not cached yet (or unreadable): train below.
  }
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const trained = await trainQuickModel(await loadFixtureData());
  await copyPrefix(trained.bucket, new FileBucket(staging, { durable: false }), MODELS_PREFIX);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return readModel(dir);
}
