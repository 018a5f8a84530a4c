/**
 * Finds the directory holding the tfjs WASM binaries, both in a normal
 * `node_modules` install and inside a bundled function folder where the
 * `.wasm` files are copied next to the bundle.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { backendError } from './backend-error.js';

/** File names shipped by `@tensorflow/tfjs-backend-wasm`; a directory qualifies if it has one. */
export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** Where {@link locateWasmFiles} found the binaries. */
export type WasmDirSource = 'option' | 'env' | 'node_modules' | 'entry-script' | 'module';

/** Result of {@link locateWasmFiles}. */
export interface WasmFilesLocation {
  /** Absolute directory containing the `.wasm` files (no trailing separator). */
  dir: string;
  /** Which lookup step matched. */
  source: WasmDirSource;
}

/** Inputs for {@link locateWasmFiles}; every field defaults to the real process state. */
export interface LocateWasmFilesOptions {
  /** Explicit directory; wins over everything else. */
  wasmDir?: string | undefined;
  /** Environment to read `POLYFAAS_WASM_DIR` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Entry script path (default `process.argv[1]`); bundles put `.wasm` next to it. */
  entryScript?: string | undefined;
  /** Directory of the code calling tfjs (default: this module's directory). */
  moduleDir?: string | undefined;
  /**
   * Resolves the `dist/` folder of the installed package, or `undefined` when it
   * is not installed. Injectable so tests can simulate a bundle without `node_modules`.
   */
  resolvePackageDist?: () => string | undefined;
}

function hasWasmBinary(dir: string): boolean {
  return WASM_BINARY_NAMES.some((name) => existsSync(join(dir, name)));
}

/** Default resolver: asks Node's CJS resolver, because the package has no `exports` map for ESM. */
function resolvePackageDistFromNodeModules(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  } catch {
    // Absent in bundled deployments; the caller falls back to bundle-relative lookups.
    return undefined;
  }
}

function defaultModuleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
}

/**
 * Returns the directory containing the tfjs WASM binaries.
 *
 * Lookup order: `options.wasmDir`, then `POLYFAAS_WASM_DIR`, then the installed
 * `@tensorflow/tfjs-backend-wasm/dist`, then the entry script's directory, then
 * this module's directory. Explicit settings (option/env) must point at a
 * directory that contains a binary; a wrong explicit path is a configuration
 * error, not something to silently paper over.
 *
 * @throws PolyfaasError `InvalidArgument` when an explicit directory lacks the
 *   binaries, `Unavailable` when no candidate has them.
 */
export function locateWasmFiles(options: LocateWasmFilesOptions = {}): WasmFilesLocation {
  const env = options.env ?? process.env;
  const explicit: Array<[string | undefined, WasmDirSource, string]> = [
    [options.wasmDir, 'option', 'option wasmDir'],
    [env['POLYFAAS_WASM_DIR'], 'env', 'POLYFAAS_WASM_DIR'],
  ];
  for (const [candidate, source, label] of explicit) {
    if (candidate === undefined || candidate === '') continue;
    const dir = resolve(candidate);
    if (!hasWasmBinary(dir)) {
      throw backendError(
        'InvalidArgument',
        `${label}=${JSON.stringify(candidate)} does not contain any of ${WASM_BINARY_NAMES.join(', ')}`,
      );
    }
    return { dir, source };
  }

  const entryScript = options.entryScript ?? process.argv[1];
  const fallbacks: Array<[string | undefined, WasmDirSource]> = [
    [(options.resolvePackageDist ?? resolvePackageDistFromNodeModules)(), 'node_modules'],
    [entryScript === undefined ? undefined : dirname(resolve(entryScript)), 'entry-script'],
    [options.moduleDir ?? defaultModuleDir(), 'module'],
  ];
  for (const [candidate, source] of fallbacks) {
    if (candidate !== undefined && hasWasmBinary(candidate)) return { dir: resolve(candidate), source };
  }
  throw backendError(
    'Unavailable',
    'Cannot find the tfjs WASM binaries: install @tensorflow/tfjs-backend-wasm, copy its ' +
      'dist/*.wasm next to the bundle, or set POLYFAAS_WASM_DIR',
  );
}
