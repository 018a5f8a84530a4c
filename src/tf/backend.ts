/**
 * TensorFlow.js backend selection for polyfaas functions.
 *
 * Nothing happens at import time: callers run {@link initBackend} once during
 * cold start. The choice is `POLYFAAS_TF_BACKEND` if set, else the native
 * `tensorflow` backend when the optional `@tensorflow/tfjs-node` peer loads,
 * else `wasm` (portable, and with our gradient kernels fast enough to train).
 */
import { sep } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { backendError } from './backend-error.js';
import { registerWasmGradientKernels } from './register-wasm-kernels.js';
import { installLayersTensorMethods } from './tensor-methods.js';
import { locateWasmFiles } from './wasm-files.js';

/** Backends polyfaas knows how to start. */
export type BackendName = 'wasm' | 'cpu' | 'tensorflow';

const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow'];

/** Description of the active backend, as returned by {@link initBackend}. */
export interface BackendInfo {
  /** Backend registered with tfjs. */
  name: BackendName;
  /** Why it was chosen: the env variable, or auto-detection. */
  reason: 'env' | 'auto';
  /** `@tensorflow/tfjs-core` version in use. */
  tfjsVersion: string;
  /** WASM SIMD in use (false for non-WASM backends). */
  simd: boolean;
  /** WASM multi-threading in use (tfjs never enables it under Node). */
  threads: boolean;
  /** Directory the `.wasm` binaries were loaded from (WASM only). */
  wasmDir?: string;
  /** Why auto-detection skipped `tensorflow`, when it did. */
  fallbackReason?: string;
}

/** Structured log sink; receives one record when a backend is chosen. */
export type BackendLogger = (record: Record<string, unknown>) => void;

/** Options for {@link initBackend}; all optional, defaults read the real process. */
export interface InitBackendOptions {
  /** Environment to read `POLYFAAS_TF_BACKEND` / `POLYFAAS_WASM_DIR` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Directory containing the `.wasm` files; overrides `POLYFAAS_WASM_DIR`. */
  wasmDir?: string | undefined;
  /** Log sink (default: one JSON line via `console.info`). */
  logger?: BackendLogger;
  /**
   * Loads the optional `@tensorflow/tfjs-node` peer (importing it registers the
   * `tensorflow` backend). Injectable for tests; rejects when it is absent.
   */
  loadTfjsNode?: (() => Promise<unknown>) | undefined;
}

// Kept in a variable so neither TypeScript nor bundlers try to resolve the
// optional native peer; the WASM/CPU packages use literal imports so bundlers
// do include them.
const TFJS_NODE = '@tensorflow/tfjs-node';

const defaultLogger: BackendLogger = (record) => console.info(JSON.stringify(record));
const defaultLoadTfjsNode = (): Promise<unknown> => import(TFJS_NODE);

let pending: Promise<BackendInfo> | undefined;
let active: BackendInfo | undefined;

function parseBackendEnv(raw: string | undefined): BackendName | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw backendError(
    'InvalidArgument',
    `POLYFAAS_TF_BACKEND=${JSON.stringify(raw)} is not one of ${BACKEND_NAMES.join(', ')}`,
  );
}

async function activate(name: BackendName): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (cause) {
    throw backendError('Unavailable', `tfjs backend '${name}' failed to initialise`, cause);
  }
  if (!ok) throw backendError('Unavailable', `tfjs backend '${name}' failed to initialise`);
}

async function startWasm(options: InitBackendOptions): Promise<Pick<BackendInfo, 'simd' | 'threads' | 'wasmDir'>> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { dir } = locateWasmFiles({ wasmDir: options.wasmDir, env: options.env });
  // Trailing separator: tfjs concatenates prefix + file name.
  wasm.setWasmPaths(dir.endsWith(sep) ? dir : dir + sep);
  registerWasmGradientKernels();
  await activate('wasm');
  return {
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    threads: wasm.getThreadsCount() > 1,
    wasmDir: dir,
  };
}

async function select(options: InitBackendOptions): Promise<BackendInfo> {
  // Recurrent layers cannot even be built without these, whatever the backend.
  installLayersTensorMethods();
  const env = options.env ?? process.env;
  const requested = parseBackendEnv(env['POLYFAAS_TF_BACKEND']);
  let name: BackendName = requested ?? 'wasm';
  let fallbackReason: string | undefined;

  if (requested === 'tensorflow' || requested === undefined) {
    try {
      await (options.loadTfjsNode ?? defaultLoadTfjsNode)(); // registers 'tensorflow' as a side effect
      name = 'tensorflow';
    } catch (cause) {
      if (requested === 'tensorflow') {
        throw backendError('Unavailable', `POLYFAAS_TF_BACKEND=tensorflow but ${TFJS_NODE} cannot be loaded`, cause);
      }
      fallbackReason = `${TFJS_NODE} not loadable: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`;
    }
  }

  let extra: Pick<BackendInfo, 'simd' | 'threads' | 'wasmDir'> = { simd: false, threads: false };
  if (name === 'wasm') {
    extra = await startWasm(options);
  } else {
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    await activate(name);
  }

  const info: BackendInfo = {
    name,
    reason: requested === undefined ? 'auto' : 'env',
    tfjsVersion: tf.version_core,
    ...extra,
    ...(fallbackReason === undefined ? {} : { fallbackReason }),
  };
  const { name: backend, ...details } = info;
  (options.logger ?? defaultLogger)({ msg: 'tf backend selected', backend, ...details });
  return info;
}

/**
 * Selects and initialises the TensorFlow.js backend (once per process).
 *
 * Concurrent and repeated calls share one promise, so only the first call's
 * options matter and the choice is logged once. A failed attempt is forgotten
 * so a corrected configuration can retry.
 *
 * @throws PolyfaasError `InvalidArgument` for an unknown `POLYFAAS_TF_BACKEND`
 *   or a wrong WASM directory; `Unavailable` when the requested backend cannot start.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  if (pending === undefined) {
    const attempt = select(options).then(
      (info) => {
        active = info;
        return info;
      },
      (error: unknown) => {
        if (pending === attempt) pending = undefined;
        throw error;
      },
    );
    pending = attempt;
  }
  return pending;
}

/** The backend chosen by a completed {@link initBackend}, or `undefined` before that. */
export function currentBackend(): BackendInfo | undefined {
  return active;
}

/**
 * Forgets the cached selection so the next {@link initBackend} selects again.
 * Test-only: it does not tear down tfjs backends already started.
 */
export function resetBackendSelectionForTests(): void {
  pending = undefined;
  active = undefined;
}
