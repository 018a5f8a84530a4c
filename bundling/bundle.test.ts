import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction } from './esbuild-bundle.js';
import { zipDirectory } from './zip.js';

const run = promisify(execFile);

describe('bundleFunction', () => {
  let dir: string;
  beforeAll(async () => {
    // Inside the repo, so the entry resolves packages as a user's entry file would.
    await mkdir(resolve(import.meta.dirname, '../.polyfaas'), { recursive: true });
    dir = await mkdtemp(resolve(import.meta.dirname, '../.polyfaas/bundle-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('bundles the WASM backend into an ESM file that starts without node_modules', async () => {
    const entry = join(dir, 'entry.ts');
    const root = resolve(import.meta.dirname, '..');
    await writeFile(
      entry,
      `import * as tf from '@tensorflow/tfjs-core';
       import { initBackend } from ${JSON.stringify(join(root, 'src/tf/index.ts'))};
       const info = await initBackend({ logger: () => {} });
       console.log(JSON.stringify({ backend: info.name, sum: tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0] }));`,
    );
    const out = await mkdtemp(join(tmpdir(), 'polyfaas-fn-'));
    const result = await bundleFunction({ entry, outDir: out });
    expect(result.wasmBytes).toBeGreaterThan(100_000);
    expect(result.jsBytes).toBeGreaterThan(10_000);
    // Run from a folder with no node_modules above it: the bundle must be self-contained.
    const { stdout } = await run(process.execPath, [result.entryFile], { cwd: out });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ backend: 'wasm', sum: 5 });
    const zipBytes = await zipDirectory(out, join(dir, 'fn.zip'));
    expect(zipBytes).toBeGreaterThan(0);
    expect(zipBytes).toBeLessThan(result.jsBytes + result.wasmBytes);
  }, 120_000);

  it("ships ONNX Runtime's SIMD WebAssembly file alone when the app serves ONNX, and runs the model from the bundle", async () => {
    const root = resolve(import.meta.dirname, '..');
    const model = join(root, 'test/fixtures/onnx/mlp-784.onnx');
    const entry = join(dir, 'onnx-entry.ts');
    await writeFile(
      entry,
      `import { readFileSync } from 'node:fs';
       import * as tf from '@tensorflow/tfjs-core';
       import '@tensorflow/tfjs-backend-cpu';
       import { MemoryBucket } from ${JSON.stringify(join(root, 'adapters/memory/index.ts'))};
       import { ModelStore, Predictor } from ${JSON.stringify(join(root, 'src/model/index.ts'))};
       import { importOnnx, useOnnx } from ${JSON.stringify(join(root, 'src/model/model-import.ts'))};
       await tf.setBackend('cpu');
       useOnnx();
       const store = new ModelStore(new MemoryBucket(), { signing: false });
       const info = await importOnnx(store, new Uint8Array(readFileSync(process.argv[2])), { name: 'mlp' });
       await store.promote('mlp', info.version, 'production');
       const { probabilities } = await new Predictor({ store, name: 'mlp' }).predict(new Float32Array(784));
       console.log(JSON.stringify({ outputs: probabilities[0].length }));`,
    );
    const out = await mkdtemp(join(tmpdir(), 'polyfaas-onnx-fn-'));
    const result = await bundleFunction({ entry, outDir: out, wasm: false });
    const wasm = result.files.filter((f) => f.path.endsWith('.wasm')).map((f) => f.path);
    expect(wasm).toEqual(['ort-wasm-simd-threaded.wasm']);
    expect(result.files.map((f) => f.path)).toContain('ort-wasm-simd-threaded.mjs');
    expect(result.wasmBytes).toBeGreaterThan(10_000_000);
    // From a folder with no node_modules above it: ONNX Runtime finds its files beside the bundle.
    const { stdout } = await run(process.execPath, [result.entryFile, model], { cwd: out });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ outputs: 10 });
    await rm(out, { recursive: true, force: true });
  }, 120_000);

  it('leaves ONNX Runtime out of bundles that only serve tfjs models', async () => {
    const root = resolve(import.meta.dirname, '..');
    const entry = join(dir, 'plain-entry.ts');
    await writeFile(entry, `import { ModelStore, Predictor } from ${JSON.stringify(join(root, 'src/model/index.ts'))};\nconsole.log(typeof ModelStore, typeof Predictor);`);
    const out = await mkdtemp(join(tmpdir(), 'polyfaas-plain-fn-'));
    const result = await bundleFunction({ entry, outDir: out, wasm: false });
    expect(result.files.filter((f) => f.path.startsWith('ort-'))).toEqual([]);
    expect(result.wasmBytes).toBe(0);
    await rm(out, { recursive: true, force: true });
  }, 120_000);
});
