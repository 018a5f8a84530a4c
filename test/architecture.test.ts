import { readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSpecifiers, bundlingBoundaryViolation, bundlingBoundaryViolations, reachableFiles, runtimeSpecifiers, sourceFiles } from './import-graph.js';

const root = resolve(import.meta.dirname, '..');
const allSpecifiersOf = (file: string) => allSpecifiers(resolve(root, file));
const CLOUD_SDK = /^@(aws-sdk|google-cloud|azure)\//;

describe('architecture', () => {
  it('keeps cloud SDKs out of src/ and pipelines/', () => {
    const offenders = ['src', 'pipelines'].flatMap((dir) =>
      sourceFiles(resolve(root, dir)).flatMap((file) =>
        runtimeSpecifiers(file)
          .filter((spec) => CLOUD_SDK.test(spec))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('detects a cloud SDK import when one is present (the check can fail)', () => {
    const fake = resolve(root, 'test/fixtures/architecture/imports-cloud-sdk.ts.txt');
    expect(runtimeSpecifiers(fake).filter((s) => CLOUD_SDK.test(s))).toEqual(['@aws-sdk/client-s3', '@azure/storage-blob']);
  });

  it('keeps src/ and pipelines/ independent of adapters (their tests may use them)', () => {
    const offenders = ['src', 'pipelines'].flatMap((dir) =>
      sourceFiles(resolve(root, dir)).filter((file) => !/\.test\.ts$|\/test-support\//.test(file)).flatMap((file) =>
        runtimeSpecifiers(file)
          .filter((spec) => spec.includes('adapters/'))
          .map((spec) => `${relative(root, file)} imports ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  const adapters = readdirSync(resolve(root, 'adapters'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  it('finds the adapters to check', () => expect(adapters).toContain('memory'));
  for (const adapter of adapters) {
    it(`loads no other adapter's code when importing polyfaas/${adapter}`, () => {
      const files = [...reachableFiles(resolve(root, `adapters/${adapter}/index.ts`), root)];
      const foreign = files.filter((f) => f.startsWith('adapters/') && !f.startsWith(`adapters/${adapter}/`));
      expect(foreign).toEqual([]);
      expect(files).toContain(`adapters/${adapter}/index.ts`);
    });
  }

  for (const entry of ['src/index.ts', 'src/adapter.ts']) {
    it(`loads no adapter and no TensorFlow when importing the core (${entry})`, () => {
      const files = [...reachableFiles(resolve(root, entry), root)];
      expect(files).toContain(entry);
      expect(files.filter((f) => !f.startsWith('src/'))).toEqual([]);
      expect(files.filter((f) => /^src\/(tf|model|testing)\//.test(f))).toEqual([]);
    });
  }

  it('keeps the bundling boundary: adapters never import cli/, cli/ reaches bundlers only through cli/clouds.ts', () => {
    expect(bundlingBoundaryViolations(root, ['src', 'pipelines', 'adapters', 'cli', 'bundling'])).toEqual([]);
    for (const cloud of ['aws', 'gcp', 'azure']) {
      expect(allSpecifiersOf('cli/clouds.ts')).toContain(`../adapters/${cloud}/bundle/bundler.js`);
    }
  });

  it('flags each kind of boundary crossing (the check can fail)', () => {
    expect(bundlingBoundaryViolation('adapters/aws/bundle/bundler.ts', 'cli/registry.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('adapters/local/file-journal.test.ts', 'cli/commands/dead-letters.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('bundling/zip.ts', 'cli/registry.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('bundling/zip.ts', 'adapters/aws/index.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('cli/registry.ts', 'adapters/aws/bundle/bundler.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('cli/clouds.ts', 'adapters/aws/bundle/bundle-app.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('cli/registry.ts', '`')).toBeDefined();
    expect(bundlingBoundaryViolation('src/index.ts', 'bundling/esbuild-bundle.ts')).toBeDefined();
    expect(bundlingBoundaryViolation('cli/clouds.ts', 'adapters/aws/bundle/bundler.ts')).toBeUndefined();
    expect(bundlingBoundaryViolation('cli/commands/serve.ts', 'adapters/local/index.ts')).toBeUndefined();
    expect(bundlingBoundaryViolation('adapters/aws/bundle/bundle-app.ts', 'bundling/esbuild-bundle.ts')).toBeUndefined();
  });

  const RUNTIME_ENTRIES = ['src/index.ts', 'src/adapter.ts', 'pipelines/index.ts', ...adapters.map((a) => `adapters/${a}/index.ts`)];
  it.each(RUNTIME_ENTRIES)('loads neither the bundling toolkit nor esbuild or yazl when importing %s', (entry) => {
    const files = [...reachableFiles(resolve(root, entry), root)];
    expect(files.filter((f) => f.startsWith('bundling/') || /^adapters\/[^/]+\/bundle\//.test(f))).toEqual([]);
    // The local dev server's console builds its browser script with esbuild on first request: its one allowed use.
    const bundlers = files.filter((f) => f !== 'adapters/local/console/assets.ts').flatMap((f) => runtimeSpecifiers(resolve(root, f)).filter((s) => s === 'esbuild' || s === 'yazl').map((s) => `${f} imports ${s}`));
    expect(bundlers).toEqual([]);
  });
});
