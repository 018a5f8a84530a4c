import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PolyfaasError } from '../../src/errors.js';
import type { AppDefinition } from '../../src/function.js';
import { checkExternalImports, explainBuildFailure } from './build-errors.js';

/**
 * Import a user's entry module, `.ts`, `.mts` or `.js`: esbuild compiles the
 * entry and the project files it imports (packages are left to Node.js) into a
 * hidden file beside it, which is imported and deleted. Beside it, so packages,
 * relative paths and `import.meta.url` of the entry resolve as for the source.
 * Node.js 20 cannot strip types itself, and esbuild is what `polyfaas bundle`
 * uses anyway. Every call evaluates the entry anew (a fresh file), so an entry
 * whose import registers functions registers them again.
 *
 * @param command names the command in errors, e.g. `polyfaas serve`.
 */
export async function importEntry(entry: string, command: string): Promise<Record<string, unknown>> {
  const path = resolve(entry);
  if (!existsSync(path)) throw new PolyfaasError('NotFound', `${command}: no file ${entry}`);
  const compiled = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.polyfaas.mjs`);
  try {
    const result = await build({
      entryPoints: [path],
      outfile: compiled,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'esm',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
    }).catch((err: unknown) => {
      throw explainBuildFailure(err, command);
    });
    checkExternalImports(result.metafile, command);
    return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  } finally {
    await rm(compiled, { force: true });
  }
}

/** The app an entry exports: the named export, else `app`, else the default export. */
export async function loadEntryApp(entry: string, command: string, exportName?: string): Promise<AppDefinition> {
  const mod = await importEntry(entry, command);
  const candidates = exportName ? [exportName] : ['app', 'default'];
  for (const name of candidates) {
    const value = mod[name] as AppDefinition | undefined;
    if (value?.kind === 'polyfaas.app') return value;
  }
  throw new PolyfaasError('InvalidArgument', `${entry} exports no app made with defineApp (looked for ${candidates.map((c) => `"${c}"`).join(', ')})`);
}
