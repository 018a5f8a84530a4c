import fs, { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { PolyfaasError } from '../errors.js';
import { currentBackend, initBackend, resetBackendSelectionForTests } from './backend.js';
import { locateWasmFiles } from './wasm-files.js';

const quiet = (): void => {};
/** Simulates a machine without @tensorflow/tfjs-node but with everything else. */
const noTfjsNode = (): Promise<unknown> => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node'"));

afterEach(() => {
  resetBackendSelectionForTests();
  vi.restoreAllMocks();
});

describe('initBackend', () => {
  it('rejects an unknown POLYFAAS_TF_BACKEND with InvalidArgument, and can retry afterwards', async () => {
    const err = await initBackend({ env: { POLYFAAS_TF_BACKEND: 'gpu' }, logger: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyfaasError);
    expect(err).toMatchObject({ code: 'InvalidArgument', message: expect.stringContaining('"gpu"') });
    // The failed attempt is not cached.
    const info = await initBackend({ env: { POLYFAAS_TF_BACKEND: 'cpu' }, logger: quiet });
    expect(info.name).toBe('cpu');
  });

  it('honours POLYFAAS_TF_BACKEND=cpu and logs the choice once as one JSON-able record', async () => {
    const logger = vi.fn();
    const info = await initBackend({ env: { POLYFAAS_TF_BACKEND: 'cpu' }, logger, loadTfjsNode: noTfjsNode });
    expect(info).toMatchObject({ name: 'cpu', reason: 'env', tfjsVersion: tf.version_core, simd: false });
    expect(tf.getBackend()).toBe('cpu');
    expect(logger).toHaveBeenCalledTimes(1);
    expect(JSON.parse(JSON.stringify(logger.mock.calls[0]![0]))).toMatchObject({
      msg: 'tf backend selected',
      backend: 'cpu',
      reason: 'env',
    });
  });

  it('fails with Unavailable when tensorflow is requested but tfjs-node is missing', async () => {
    await expect(
      initBackend({ env: { POLYFAAS_TF_BACKEND: 'tensorflow' }, logger: quiet, loadTfjsNode: noTfjsNode }),
    ).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('auto-selects tensorflow when tfjs-node loads', async () => {
    // Stand-in for tfjs-node: importing it registers a 'tensorflow' backend.
    const fakeTfjsNode = async (): Promise<unknown> => {
      if (tf.findBackendFactory('tensorflow') === null) tf.registerBackend('tensorflow', () => new MathBackendCPU());
      return {};
    };
    const info = await initBackend({ env: {}, logger: quiet, loadTfjsNode: fakeTfjsNode });
    expect(info).toMatchObject({ name: 'tensorflow', reason: 'auto' });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('auto-selects wasm without tfjs-node, loading binaries from a bundle-style folder; concurrent calls share one promise', async () => {
    // Copy the real binaries to a temp "function folder" to prove they are loaded from there.
    const bundleDir = mkdtempSync(join(tmpdir(), 'polyfaas-bundle-'));
    const dist = locateWasmFiles({ env: {} }).dir;
    for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      copyFileSync(join(dist, name), join(bundleDir, name));
    }
    const readFile = vi.spyOn(fs, 'readFileSync');
    const readFileAsync = vi.spyOn(fs, 'readFile');
    const logger = vi.fn();

    const first = initBackend({ env: { POLYFAAS_WASM_DIR: bundleDir }, logger, loadTfjsNode: noTfjsNode });
    const second = initBackend({ env: { POLYFAAS_TF_BACKEND: 'cpu' }, logger });
    expect(second).toBe(first);
    const info = await first;

    expect(info).toMatchObject({ name: 'wasm', reason: 'auto', wasmDir: bundleDir, threads: false });
    expect(info.fallbackReason).toMatch(/tfjs-node/);
    expect(currentBackend()).toEqual(info);
    expect(logger).toHaveBeenCalledTimes(1);
    const loaded = [...readFile.mock.calls, ...readFileAsync.mock.calls].map((call) => String(call[0]));
    expect(loaded.some((p) => p.startsWith(bundleDir) && p.endsWith('.wasm'))).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(tf.add(tf.tensor([1, 2]), 1).dataSync())).toEqual([2, 3]);
  });
});
