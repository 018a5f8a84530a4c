import { readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachableFiles, runtimeSpecifiers, sourceFiles } from './import-graph.js';

const root = resolve(import.meta.dirname, '..');
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
});
