import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Examples are what users copy, so they may import only what an installed
 * package offers: its public entries (`polyfaas`, `polyfaas/pipelines`, …),
 * other packages, Node built-ins and files inside examples/ itself. A relative
 * path into src/, adapters/ or pipelines/ would prove nothing about the
 * public API.
 */
const root = resolve(import.meta.dirname, '..');
const examplesDir = join(root, 'examples');

/** Every module specifier in a TypeScript source: static imports, re-exports, side-effect and dynamic imports. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

/** Why a specifier in `file` is not allowed in an example, or undefined when it is. */
function forbiddenImport(file: string, specifier: string, publicEntries: ReadonlySet<string>): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    return target.startsWith(examplesDir + sep) ? undefined : `relative import outside examples/: ${specifier}`;
  }
  if (specifier === 'polyfaas' || specifier.startsWith('polyfaas/')) {
    return publicEntries.has(specifier) ? undefined : `not a public entry of the package: ${specifier}`;
  }
  return undefined;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(m|c)?tsx?$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

async function publicEntries(): Promise<Set<string>> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return new Set(
    Object.keys(pkg.exports)
      .filter((s) => s !== './package.json')
      .map((s) => (s === '.' ? 'polyfaas' : `polyfaas/${s.slice(2)}`)),
  );
}

describe('examples import only package names', () => {
  it('finds example sources to check', async () => {
    expect((await sourceFiles(examplesDir)).length).toBeGreaterThan(10);
  });

  it('has no example importing a relative path outside examples/ or a non-public subpath', async () => {
    const entries = await publicEntries();
    const problems: string[] = [];
    for (const file of await sourceFiles(examplesDir)) {
      for (const specifier of importSpecifiers(await readFile(file, 'utf8'))) {
        const why = forbiddenImport(file, specifier, entries);
        if (why) problems.push(`${relative(root, file)}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('rejects what it is meant to reject', async () => {
    const entries = await publicEntries();
    const file = join(examplesDir, 'fashion-mnist', 'app.ts');
    const source = [
      "import { defineApp } from '../../src/index.js';",
      "import type { Bucket } from 'polyfaas/src/storage/types.js';",
      "export { x } from '../../pipelines/image-classification/shards.js';",
      "const m = await import('../../adapters/memory/index.js');",
      "import './data/labels.js';",
      "import { serve } from 'polyfaas/local';",
    ].join('\n');
    const verdicts = importSpecifiers(source).map((s) => forbiddenImport(file, s, entries));
    expect(verdicts.filter(Boolean)).toHaveLength(4);
    expect(forbiddenImport(file, './data/labels.js', entries)).toBeUndefined();
    expect(forbiddenImport(file, 'polyfaas/local', entries)).toBeUndefined();
  });
});
