import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolyfaasError } from 'polyfaas';
import type { IdxDataset } from './idx.js';
import { readIdxDataset } from './idx.js';

/** Where the data was found, in the order {@link locateFashionMnist} tries. */
export type FashionMnistOrigin = 'env' | 'debian' | 'download' | 'fixture';

/** The four published files and their MD5s (from the Fashion-MNIST README). */
export const FASHION_MNIST_FILES = {
  trainImages: { file: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
  trainLabels: { file: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe' },
  testImages: { file: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79' },
  testLabels: { file: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
} as const;

type FileId = keyof typeof FASHION_MNIST_FILES;

/** Download base URL given in the Fashion-MNIST README. */
export const FASHION_MNIST_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
/** The committed class-balanced subset (2,000 train / 1,000 test). */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/fashion-mnist/', import.meta.url));

/** Options for {@link locateFashionMnist}. */
export interface LocateOptions {
  /** Environment to read `FASHION_MNIST_DIR` from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  debianDir?: string;
  /** Where downloads are kept. Default `.polyfaas/cache/fashion-mnist` under the working directory. */
  cacheDir?: string;
  /** Try the network when no local copy exists. Default true. */
  download?: boolean;
  baseUrl?: string;
  /** Give up on a server that has not answered within this. Default 5 s, so offline machines fall back fast. */
  connectTimeoutMs?: number;
  /** Limit for one whole file. Default 120 s. */
  fileTimeoutMs?: number;
  fixtureDir?: string;
  /** Expected MD5s instead of the published ones (a mirror that re-compressed the files; tests). */
  md5s?: Partial<Record<FileId, string>>;
  /** For tests. Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** Where {@link locateFashionMnist} found the data. */
export interface FashionMnistLocation {
  readonly origin: FashionMnistOrigin;
  readonly dir: string;
  /** Absolute path of each file. */
  readonly files: Readonly<Record<FileId, string>>;
  /** Why earlier sources were skipped (e.g. "download failed: fetch failed"), for the CLI to print. */
  readonly notes: readonly string[];
}

/**
 * Find the Fashion-MNIST files, in order:
 * 1. `FASHION_MNIST_DIR` (an error if set but incomplete: an explicit choice should not silently fall back);
 * 2. Debian's `dataset-fashion-mnist` package in `/usr/share/datasets/fashion-mnist`;
 * 3. a download from the README's links into the cache, each file's MD5 checked
 *    (a previous complete download is reused);
 * 4. the committed subset in `test/fixtures/fashion-mnist` (3,000 real images).
 *
 * @example
 * ```ts
 * const where = await locateFashionMnist();
 * console.log(`Fashion-MNIST from ${where.origin} (${where.dir})`, ...where.notes);
 * ```
 */
export async function locateFashionMnist(options: LocateOptions = {}): Promise<FashionMnistLocation> {
  const notes: string[] = [];
  const envDir = (options.env ?? process.env).FASHION_MNIST_DIR;
  if (envDir) {
    const dir = resolve(envDir);
    const missing = missingFiles(dir);
    if (missing.length) {
      throw new PolyfaasError('InvalidArgument', `FASHION_MNIST_DIR=${envDir} lacks ${missing.join(', ')}`, { details: { dir, missing } });
    }
    return location('env', dir, notes);
  }
  const debianDir = options.debianDir ?? DEBIAN_DIR;
  if (missingFiles(debianDir).length === 0) return location('debian', debianDir, notes);
  notes.push(`${debianDir} not found (apt-get install dataset-fashion-mnist)`);

  const cacheDir = resolve(options.cacheDir ?? '.polyfaas/cache/fashion-mnist');
  if (options.download !== false) {
    try {
      await downloadAll(cacheDir, options);
      return location('download', cacheDir, notes);
    } catch (err) {
      notes.push(`download failed (${describe(err)}); using the committed subset`);
    }
  } else {
    notes.push('download disabled');
  }
  const fixtureDir = options.fixtureDir ?? FIXTURE_DIR;
  const missing = missingFiles(fixtureDir);
  if (missing.length) throw new PolyfaasError('NotFound', `No Fashion-MNIST data anywhere; ${notes.join('; ')}`, { details: { notes } });
  return location('fixture', fixtureDir, notes);
}

/** Both splits, parsed and checked (labels 0–9, counts agree). */
export interface FashionMnist {
  readonly location: FashionMnistLocation;
  readonly train: IdxDataset;
  readonly test: IdxDataset;
}

/** Locate (see {@link locateFashionMnist}) and parse both splits. */
export async function loadFashionMnist(options: LocateOptions = {}): Promise<FashionMnist> {
  const where = await locateFashionMnist(options);
  const [train, test] = await Promise.all([
    readIdxDataset(where.files.trainImages, where.files.trainLabels, 9),
    readIdxDataset(where.files.testImages, where.files.testLabels, 9),
  ]);
  return { location: where, train, test };
}

function location(origin: FashionMnistOrigin, dir: string, notes: string[]): FashionMnistLocation {
  const files = Object.fromEntries(Object.entries(FASHION_MNIST_FILES).map(([id, f]) => [id, join(dir, f.file)])) as Record<FileId, string>;
  return { origin, dir, files, notes };
}

function missingFiles(dir: string): string[] {
  return Object.values(FASHION_MNIST_FILES)
    .map((f) => f.file)
    .filter((file) => !existsSync(join(dir, file)));
}

async function downloadAll(cacheDir: string, options: LocateOptions): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  // Serial on purpose: when offline the first file fails fast and we stop.
  for (const [id, { file, md5: published }] of Object.entries(FASHION_MNIST_FILES)) {
    const md5 = options.md5s?.[id as FileId] ?? published;
    const target = join(cacheDir, file);
    if (existsSync(target) && md5Hex(await readFile(target)) === md5) continue;
    const bytes = await fetchFile(new URL(file, options.baseUrl ?? FASHION_MNIST_BASE_URL), options);
    const actual = md5Hex(bytes);
    if (actual !== md5) throw new PolyfaasError('InvalidArgument', `${file} has MD5 ${actual}, expected ${md5}`, { details: { file, md5, actual } });
    // Write then rename, so an interrupted download never looks complete.
    const partial = `${target}.part`;
    await writeFile(partial, bytes);
    await rename(partial, target).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      throw err;
    });
  }
}

async function fetchFile(url: URL, options: LocateOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? fetch;
  const controller = new AbortController();
  const connectTimer = setTimeout(() => controller.abort(new Error(`no answer from ${url.host} within ${options.connectTimeoutMs ?? 5000} ms`)), options.connectTimeoutMs ?? 5000);
  const fileTimer = setTimeout(() => controller.abort(new Error(`${url.pathname} took over ${options.fileTimeoutMs ?? 120_000} ms`)), options.fileTimeoutMs ?? 120_000);
  try {
    const response = await doFetch(url, { signal: controller.signal });
    clearTimeout(connectTimer);
    if (!response.ok) throw new PolyfaasError('Unavailable', `GET ${url} answered ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    if (controller.signal.aborted && controller.signal.reason instanceof Error) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(fileTimer);
  }
}

/** undici says only "fetch failed"; the useful part (ENOTFOUND, ECONNREFUSED) is in the cause. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code || cause?.message ? `${err.message}: ${cause.code ?? cause.message}` : err.message;
}

function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}
