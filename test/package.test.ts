import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

/** What each public subpath must export, checked against the compiled package. */
const EXPECTED: Record<string, string[]> = {
  polyfaas: ['defineFunction', 'defineApp', 'PolyfaasError', 'openBucket', 'openKeyValueStore', 'cached', 'encryptedBucket'],
  'polyfaas/adapter': ['AppRuntime', 'createBucket', 'DriverBucket', 'createKeyValueStore', 'EventDelivery', 'registerBucketScheme'],
  'polyfaas/memory': ['MemoryBucket', 'createMemoryRuntime', 'registerSchemes'],
  'polyfaas/local': ['FileBucket', 'serve', 'registerSchemes'],
  'polyfaas/testing': ['runBucketConformance', 'runRuntimeConformance', 'runKeyValueConformance'],
  'polyfaas/aws': ['toLambda', 'S3Bucket', 'registerSchemes'],
  'polyfaas/gcp': ['registerGcp', 'GcsBucket', 'registerSchemes'],
  'polyfaas/azure': ['registerAzure', 'AzureBlobBucket', 'registerSchemes'],
  'polyfaas/redis': ['RedisKeyValueStore', 'registerSchemes'],
  'polyfaas/model': ['ModelStore', 'Predictor', 'initBackend', 'registerWasmGradientKernels'],
  'polyfaas/model-import': ['importModel', 'useOnnx', 'useTfjsGraph', 'locateOnnxWasmFiles'],
  'polyfaas/pipelines': ['createImageClassificationApp', 'createPreprocessFunction', 'trainWithCheckpoints', 'ingestFolder', 'uploadSplit'],
};

describe('the built package', () => {
  beforeAll(async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  }, 120_000);

  it('declares every subpath it is tested for', async () => {
    const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json').map((s) => (s === '.' ? 'polyfaas' : `polyfaas/${s.slice(2)}`));
    expect(subpaths.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [specifier, names] of Object.entries(EXPECTED)) {
    it(`resolves ${specifier} through package exports`, async () => {
      const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m)));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
      const exported = JSON.parse(stdout.trim().split('\n').pop() as string) as string[];
      for (const name of names) expect(exported).toContain(name);
    }, 60_000);
  }

  it('ships a polyfaas binary whose --help works', async () => {
    const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const { stdout } = await run(process.execPath, [resolve(root, pkg.bin.polyfaas as string), '--help'], { cwd: root });
    expect(stdout).toContain('Usage: polyfaas <command>');
  });
});
