import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';
import { locateWasmFiles, WASM_BINARY_NAMES } from '../../src/tf/index.js';

/** Options for {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /** The entry module (TS or JS): usually a tiny per-cloud file that imports the app and the adapter. */
  entry: string;
  /** The folder the function ships from; created if missing. */
  outDir: string;
  /** Output file name inside `outDir`. Default `index.mjs`. */
  outFile?: string;
  /** Modules left out of the bundle (native addons like `sharp`, SDKs the platform provides). */
  external?: string[];
  /** Default true. */
  minify?: boolean;
  /** Copy the tfjs WASM binaries next to the bundle. Default true. */
  wasm?: boolean;
  /** Extra `define`s, e.g. `{ 'process.env.POLYFAAS_FUNCTION': '"predict"' }`. */
  define?: Record<string, string>;
}

/** What a bundle contains and weighs. */
export interface BundleResult {
  outDir: string;
  entryFile: string;
  files: { path: string; bytes: number }[];
  jsBytes: number;
  wasmBytes: number;
}

/**
 * ESM bundles of tfjs-backend-wasm need CommonJS's `__dirname` and `require`
 * (the Emscripten loader uses both); this banner defines them from
 * `import.meta.url` so the bundle runs on every Node.js platform.
 */
export const ESM_CJS_SHIM = [
  "import { createRequire as __polyfaasCreateRequire } from 'node:module';",
  "import { fileURLToPath as __polyfaasFileURLToPath } from 'node:url';",
  "import { dirname as __polyfaasDirname } from 'node:path';",
  'const require = __polyfaasCreateRequire(import.meta.url);',
  'const __filename = __polyfaasFileURLToPath(import.meta.url);',
  'const __dirname = __polyfaasDirname(__filename);',
].join('\n');

/**
 * tfjs-core's Node platform `require`s node-fetch for `tf.loadLayersModel('http://…')`,
 * which pulls ~300 KB (node-fetch, whatwg-url, tr46's Unicode tables) into every
 * bundle. Node 20 has `fetch` built in and polyfaas loads models through buckets,
 * so the bundle gets a three-line stand-in that forwards to the global `fetch`.
 */
export const nodeFetchShim: Plugin = {
  name: 'polyfaas-node-fetch-shim',
  setup(b) {
    b.onResolve({ filter: /^node-fetch$/ }, () => ({ path: 'node-fetch', namespace: 'polyfaas-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'polyfaas-shim' }, () => ({
      contents: 'module.exports = (...args) => globalThis.fetch(...args); module.exports.default = module.exports;',
      loader: 'js',
    }));
  },
};

/** Optional peers the core loads only if installed; a bundle must never try to include them. */
export const ALWAYS_EXTERNAL = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/**
 * Bundle one function with esbuild: ES module for Node 20, tree-shaken and
 * minified, with the tfjs `.wasm` files copied beside it (where
 * `locateWasmFiles` finds them at run time).
 *
 * @example
 * ```ts
 * const result = await bundleFunction({ entry: 'examples/fashion-mnist/aws.ts', outDir: 'dist/aws/predict', external: ['sharp'] });
 * console.log(result.jsBytes, result.wasmBytes);
 * ```
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<BundleResult> {
  const outFile = options.outFile ?? 'index.mjs';
  await mkdir(options.outDir, { recursive: true });
  const entryFile = join(options.outDir, outFile);
  await build({
    entryPoints: [options.entry],
    outfile: entryFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: options.minify ?? true,
    treeShaking: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: ESM_CJS_SHIM },
    external: [...ALWAYS_EXTERNAL, ...(options.external ?? [])],
    define: options.define ?? {},
    plugins: [nodeFetchShim],
    logLevel: 'error',
  });
  const files = [{ path: outFile, bytes: (await stat(entryFile)).size }];
  let wasmBytes = 0;
  if (options.wasm ?? true) {
    const { dir } = locateWasmFiles();
    for (const name of WASM_BINARY_NAMES) {
      await copyFile(join(dir, name), join(options.outDir, name));
      const bytes = (await stat(join(options.outDir, name))).size;
      files.push({ path: name, bytes });
      wasmBytes += bytes;
    }
  }
  return { outDir: options.outDir, entryFile, files, jsBytes: files[0]?.bytes ?? 0, wasmBytes };
}

/** `12.3 MB`-style sizes for reports. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** A path relative to the working directory, for messages. */
export function shortPath(path: string): string {
  return relative(process.cwd(), path) || '.';
}
