import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { locateWasmFiles } from './wasm-files.js';

/** Creates a temp dir, optionally holding a fake `.wasm` binary. */
function tempDir(withBinary: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'polyfaas-wasm-'));
  if (withBinary) writeFileSync(join(dir, 'tfjs-backend-wasm-simd.wasm'), 'fake');
  return dir;
}

describe('locateWasmFiles', () => {
  it('finds the installed package dist/ by default', () => {
    const found = locateWasmFiles({ env: {} });
    expect(found.source).toBe('node_modules');
    expect(found.dir).toMatch(/@tensorflow[\\/]tfjs-backend-wasm[\\/]dist$/);
  });

  it('prefers the wasmDir option, then POLYFAAS_WASM_DIR', () => {
    const optionDir = tempDir(true);
    const envDir = tempDir(true);
    expect(locateWasmFiles({ wasmDir: optionDir, env: { POLYFAAS_WASM_DIR: envDir } })).toEqual({
      dir: optionDir,
      source: 'option',
    });
    expect(locateWasmFiles({ env: { POLYFAAS_WASM_DIR: envDir } })).toEqual({ dir: envDir, source: 'env' });
  });

  it('rejects an explicit directory without binaries', () => {
    const empty = tempDir(false);
    expect(() => locateWasmFiles({ wasmDir: empty })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument', message: expect.stringContaining('wasmDir') }),
    );
    expect(() => locateWasmFiles({ env: { POLYFAAS_WASM_DIR: empty } })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument', message: expect.stringContaining('POLYFAAS_WASM_DIR') }),
    );
  });

  it('finds binaries next to the bundle entry script when node_modules is absent', () => {
    const bundle = tempDir(true);
    const found = locateWasmFiles({
      env: {},
      resolvePackageDist: () => undefined,
      entryScript: join(bundle, 'index.mjs'),
      moduleDir: tempDir(false),
    });
    expect(found).toEqual({ dir: bundle, source: 'entry-script' });
  });

  it("falls back to the module's own directory", () => {
    const moduleDir = tempDir(true);
    const elsewhere = tempDir(false);
    mkdirSync(join(elsewhere, 'bin'));
    const found = locateWasmFiles({
      env: {},
      resolvePackageDist: () => undefined,
      entryScript: join(elsewhere, 'bin', 'main.js'),
      moduleDir,
    });
    expect(found).toEqual({ dir: moduleDir, source: 'module' });
  });

  it('reports Unavailable when nothing has the binaries', () => {
    expect(() =>
      locateWasmFiles({
        env: {},
        resolvePackageDist: () => undefined,
        entryScript: join(tempDir(false), 'x.js'),
        moduleDir: tempDir(false),
      }),
    ).toThrow(expect.objectContaining({ code: 'Unavailable' }));
  });
});
