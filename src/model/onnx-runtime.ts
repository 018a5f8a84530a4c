/**
 * Loading ONNX Runtime Web, an optional peer: imported on the first ONNX
 * model only, configured for Node once.
 *
 * Only its single-threaded SIMD WebAssembly build is used:
 * `ort-wasm-simd-threaded.wasm` (~14 MB) and the 24 KB Emscripten loader
 * `ort-wasm-simd-threaded.mjs` beside it. Threads stay off
 * (`env.wasm.numThreads = 1`) because ONNX Runtime's worker threads fail under
 * Node (microsoft/onnxruntime#18078), and a function instance has about one
 * core anyway. Bundles copy those two files next to the entry; see
 * {@link locateOnnxWasmFiles}.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ort from 'onnxruntime-web';
import { PolyfaasError } from '../errors.js';

/** The ONNX Runtime Web package, an optional peer dependency. */
export const ONNX_RUNTIME_PACKAGE = 'onnxruntime-web';

/** The files of ONNX Runtime Web's `dist/` that serving needs; bundles ship exactly these. */
export const ONNX_WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;

/** Environment variable naming a folder holding {@link ONNX_WASM_FILES}. */
export const ONNX_WASM_DIR_ENV = 'POLYFAAS_ONNX_WASM_DIR';

/** Inputs for {@link locateOnnxWasmFiles}; every field defaults to the real process state. */
export interface LocateOnnxWasmOptions {
  /** Environment to read {@link ONNX_WASM_DIR_ENV} from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Entry script (default `process.argv[1]`); bundles put the files beside it. */
  entryScript?: string | undefined;
  /** The installed package's `dist/`, or `undefined` when not installed. Default: resolved from `node_modules`. */
  packageDist?: () => string | undefined;
}

/**
 * The folder holding {@link ONNX_WASM_FILES}: `POLYFAAS_ONNX_WASM_DIR`, else the
 * installed package's `dist/`, else the entry script's folder (a bundle), else
 * this module's folder (a bundle's chunk).
 *
 * @throws `InvalidArgument` when the variable names a folder without the files, `Unavailable` when none has them.
 */
export function locateOnnxWasmFiles(options: LocateOnnxWasmOptions = {}): string {
  const complete = (dir: string) => ONNX_WASM_FILES.every((name) => existsSync(join(dir, name)));
  const explicit = (options.env ?? process.env)[ONNX_WASM_DIR_ENV];
  if (explicit) {
    if (!complete(resolve(explicit))) throw new PolyfaasError('InvalidArgument', `${ONNX_WASM_DIR_ENV} does not contain ${ONNX_WASM_FILES.join(' and ')}`);
    return resolve(explicit);
  }
  const entry = options.entryScript ?? process.argv[1];
  const candidates = [(options.packageDist ?? installedDist)(), entry ? dirname(resolve(entry)) : undefined, dirname(fileURLToPath(import.meta.url))];
  const found = candidates.find((dir) => dir !== undefined && complete(dir));
  if (found === undefined) {
    throw new PolyfaasError('Unavailable', `Cannot find ONNX Runtime's WebAssembly files (${ONNX_WASM_FILES.join(', ')}): install ${ONNX_RUNTIME_PACKAGE}, copy them next to the bundle, or set ${ONNX_WASM_DIR_ENV}`);
  }
  return found;
}

function installedDist(): string | undefined {
  try {
    // The package's exports map has no `./package.json`; its CommonJS entry sits in `dist/`.
    return dirname(createRequire(import.meta.url).resolve(ONNX_RUNTIME_PACKAGE));
  } catch {
    // Not installed (or bundled without its package.json): the bundle-relative candidates remain.
    return undefined;
  }
}

/**
 * ONNX Runtime Web, imported and configured on first use (shared by every
 * model afterwards; a failed import is retried on the next call).
 *
 * @throws `Unavailable` naming the package when it is not installed or its WebAssembly files are missing.
 */
export function loadOnnxRuntime(): Promise<typeof ort> {
  return loadOnce();
}

// A plain declaration, not `lazy(...)` at top level: bundlers can then drop it, and with it the
// `import('onnxruntime-web')` chunk, from apps that never serve ONNX.
let pending: Promise<typeof ort> | undefined;
function loadOnce(): Promise<typeof ort> {
  pending ??= importRuntime().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

async function importRuntime(): Promise<typeof ort> {
  let runtime: typeof ort;
  try {
    runtime = await import('onnxruntime-web');
  } catch (err) {
    throw new PolyfaasError('Unavailable', `Serving ONNX models needs the optional package ${ONNX_RUNTIME_PACKAGE}: npm install ${ONNX_RUNTIME_PACKAGE}@1.30`, {
      cause: err,
      details: { package: ONNX_RUNTIME_PACKAGE },
    });
  }
  runtime.env.wasm.numThreads = 1;
  runtime.env.wasm.wasmPaths = pathToFileURL(locateOnnxWasmFiles() + sep).href;
  return runtime;
}
