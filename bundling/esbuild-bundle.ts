import { copyFile, mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { build } from 'esbuild';
import { explainBuildFailure } from './entry/build-errors.js';
import { findPackage, packageOf } from './entry/packages.js';

export { formatBytes, shortPath } from './format.js';

/** Options for {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /** The entry module (TS or JS): usually a tiny per-cloud file that imports the app and the adapter. */
  entry: string;
  /** The folder the function ships from; created if missing. */
  outDir: string;
  /** Entry file name inside `outDir`; lazily loaded chunks (`chunk-*.mjs`) go beside it. Default `index.mjs`. */
  outFile?: string;
  /** Modules left out of the bundle (native addons like `sharp`, SDKs the platform provides). */
  external?: string[];
  /** Default true. */
  minify?: boolean;
  /**
   * Copy the tfjs WASM binaries next to the bundle: `'auto'` (the default) when
   * the bundled code includes the WASM backend, that is when it uses a model.
   */
  wasm?: boolean | 'auto';
  /** Extra `define`s, e.g. `{ 'process.env.POLYFAAS_FUNCTION': '"predict"' }`. */
  define?: Record<string, string>;
}

/** What a bundle contains and weighs. */
export interface BundleResult {
  outDir: string;
  entryFile: string;
  /** Every file written, relative to `outDir`: the entry first, then chunks, then `.wasm`. */
  files: { path: string; bytes: number }[];
  /** Entry plus chunks. */
  jsBytes: number;
  /** WebAssembly runtime files copied beside the code: the tfjs binaries, and ONNX Runtime's when the app serves ONNX (see {@link RUNTIME_ASSETS}). */
  wasmBytes: number;
  /**
   * Packages left external that the bundled code imports (`sharp` only if some
   * code that uses it was bundled): what the artifact's package.json must list.
   */
  externalPackages: string[];
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
 * Optional peers that polyfaas imports lazily, only when an app uses the feature
 * (a KMS key-encryption key, a key-value driver). Installed, they are bundled
 * like any package; not installed, the app does not use the feature, so the
 * bundle leaves the import external instead of failing (using the feature
 * anyway then fails at run time naming the package).
 */
export const LAZY_OPTIONAL_PEERS = [
  '@aws-sdk/client-kms',
  '@google-cloud/kms',
  '@azure/keyvault-keys',
  '@aws-sdk/client-dynamodb',
  '@azure/data-tables',
  '@redis/client',
];

/** Leaves {@link LAZY_OPTIONAL_PEERS} that are not installed external (see there). */
function lazyOptionalPeers(entryDir: string): Plugin {
  const missing = LAZY_OPTIONAL_PEERS.filter((name) => !findPackage(name, [entryDir, process.cwd(), import.meta.dirname]));
  const names = new Set(missing);
  return {
    name: 'polyfaas-lazy-optional-peers',
    setup(b) {
      if (names.size === 0) return;
      b.onResolve({ filter: /^@(aws-sdk|google-cloud|azure|redis)\// }, (args) => (names.has(packageOf(args.path)) ? { path: args.path, external: true } : undefined));
    },
  };
}

/**
 * Files a bundled package loads from beside the code at run time, copied next
 * to the entry when the bundle contains that package. ONNX Runtime Web is in a
 * bundle only when the app imports `polyfaas/model-import` (to call `useOnnx()`);
 * it then needs its single-threaded SIMD build (~14 MB) and the 24 KB loader
 * that instantiates it, not its four other builds (JSEP/WebGPU, JSPI, asyncify: ~70 MB).
 */
export const RUNTIME_ASSETS: readonly { package: string; locate: () => Promise<{ dir: string; names: readonly string[] }> }[] = [
  {
    package: 'onnxruntime-web',
    locate: async () => {
      const { locateOnnxWasmFiles, ONNX_WASM_FILES } = await import('../src/model/onnx-runtime.js');
      return { dir: locateOnnxWasmFiles(), names: ONNX_WASM_FILES };
    },
  },
];

/** Whether the bundle contains the tfjs WASM backend, whose `.wasm` files it then loads at run time. */
function usesWasmBackend(metafile: Metafile): boolean {
  return Object.keys(metafile.inputs).some((input) => input.includes('@tensorflow/tfjs-backend-wasm/'));
}

/** Bare packages the outputs import and esbuild left external, less the optional ones the code loads only if present. */
function externalPackagesOf(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) if (imported.external && !/^(\.|\/|node:)/.test(imported.path)) names.add(packageOf(imported.path));
  }
  return [...names].filter((name) => !ALWAYS_EXTERNAL.includes(name) && !(LAZY_OPTIONAL_PEERS.includes(name) && !findPackage(name))).sort();
}

/**
 * Bundle one function with esbuild: ES module for Node 20, tree-shaken and
 * minified, with the tfjs `.wasm` files copied beside it (where
 * `locateWasmFiles` finds them at run time) when the code uses a model. Code reached only through a
 * dynamic `import()` goes into `chunk-*.mjs` files beside the entry, so a cold
 * start reads and compiles only what the function touches.
 *
 * @example
 * ```ts
 * const result = await bundleFunction({ entry: 'examples/fashion-mnist/aws.ts', outDir: '.polyfaas/aws/fashion-mnist/predict', external: ['sharp'] });
 * console.log(result.jsBytes, result.wasmBytes);
 * ```
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<BundleResult> {
  const outFile = options.outFile ?? 'index.mjs';
  const entryFile = join(options.outDir, outFile);
  const entryDir = dirname(entryFile);
  const ext = extname(outFile) || '.js';
  await mkdir(entryDir, { recursive: true });
  const result = await build({
    entryPoints: [options.entry],
    outdir: entryDir,
    entryNames: basename(outFile, ext),
    outExtension: { '.js': ext },
    // Dynamic imports (cloud SDKs, the WASM backend) become their own files, read only when used.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // The packages' ES module builds: tfjs ships tree-shakable ESM beside its
    // prebuilt CJS, which esbuild would pick by default (-470 KB, mostly tfjs-layers).
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    treeShaking: true,
    sourcemap: false,
    legalComments: 'none',
    banner: { js: ESM_CJS_SHIM },
    external: [...ALWAYS_EXTERNAL, ...(options.external ?? [])],
    define: options.define ?? {},
    plugins: [nodeFetchShim, lazyOptionalPeers(dirname(resolve(options.entry)))],
    metafile: true,
    logLevel: 'silent',
  }).catch((err: unknown) => {
    throw explainBuildFailure(err, 'polyfaas bundle');
  });
  const files: { path: string; bytes: number }[] = [];
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    files.push({ path: relative(options.outDir, resolve(path)), bytes: output.bytes });
  }
  // The entry first: callers print it as "the" bundle.
  files.sort((a, b) => Number(b.path === outFile) - Number(a.path === outFile) || a.path.localeCompare(b.path));
  const jsBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let wasmBytes = 0;
  const wasm = options.wasm ?? 'auto';
  if (wasm === true || (wasm === 'auto' && usesWasmBackend(result.metafile))) {
    const { locateWasmFiles, WASM_BINARY_NAMES } = await import('../src/tf/index.js');
    const { dir } = locateWasmFiles();
    for (const name of WASM_BINARY_NAMES) {
      await copyFile(join(dir, name), join(entryDir, name));
      const bytes = (await stat(join(entryDir, name))).size;
      files.push({ path: relative(options.outDir, join(entryDir, name)), bytes });
      wasmBytes += bytes;
    }
  }
  for (const asset of RUNTIME_ASSETS) {
    if (!Object.keys(result.metafile.inputs).some((input) => input.includes(`node_modules/${asset.package}/`))) continue;
    const { dir, names } = await asset.locate();
    for (const name of names) {
      await copyFile(join(dir, name), join(entryDir, name));
      const bytes = (await stat(join(entryDir, name))).size;
      files.push({ path: relative(options.outDir, join(entryDir, name)), bytes });
      // Counted with the tfjs binaries: what `wasmBytes` reports is the WebAssembly runtime shipped beside the code.
      wasmBytes += bytes;
    }
  }
  return { outDir: options.outDir, entryFile, files, jsBytes, wasmBytes, externalPackages: externalPackagesOf(result.metafile) };
}
