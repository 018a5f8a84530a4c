import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { locateOnnxWasmFiles, ONNX_WASM_DIR_ENV, ONNX_WASM_FILES } from './onnx-runtime.js';

let empty: string;
let bundle: string;

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'polyfaas-ort-empty-'));
  bundle = await mkdtemp(join(tmpdir(), 'polyfaas-ort-bundle-'));
  for (const name of ONNX_WASM_FILES) await writeFile(join(bundle, name), 'x');
});

afterAll(async () => {
  await Promise.all([empty, bundle].map((dir) => rm(dir, { recursive: true, force: true })));
});

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof PolyfaasError ? err.code : 'not a PolyfaasError';
  }
  return undefined;
}

describe('locateOnnxWasmFiles', () => {
  it('finds the installed package first', () => {
    expect(locateOnnxWasmFiles({ env: {} })).toMatch(/onnxruntime-web[/\\]dist$/);
  });

  it('finds the files beside a bundle when the package is not installed', () => {
    expect(locateOnnxWasmFiles({ env: {}, packageDist: () => undefined, entryScript: join(bundle, 'index.mjs') })).toBe(bundle);
  });

  it('takes an explicit folder, and refuses one without the files', () => {
    expect(locateOnnxWasmFiles({ env: { [ONNX_WASM_DIR_ENV]: bundle } })).toBe(bundle);
    expect(codeOf(() => locateOnnxWasmFiles({ env: { [ONNX_WASM_DIR_ENV]: empty } }))).toBe('InvalidArgument');
  });

  it('says Unavailable when nothing has them', () => {
    expect(codeOf(() => locateOnnxWasmFiles({ env: {}, packageDist: () => undefined, entryScript: join(empty, 'index.mjs') }))).toBe('Unavailable');
  });
});
