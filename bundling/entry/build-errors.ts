import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import type { BuildFailure, Message, Metafile } from 'esbuild';
import { PolyfaasError } from '../../src/errors.js';
import { findPackage, missingPackages, packageOf } from './packages.js';

const BUILTINS = new Set(builtinModules);
const isBare = (specifier: string) => !/^(\.|\/|[A-Za-z]:[\\/]|node:|data:)/.test(specifier) && !BUILTINS.has(specifier) && !BUILTINS.has(packageOf(specifier));

function isBuildFailure(err: unknown): err is BuildFailure {
  return err instanceof Error && Array.isArray((err as Partial<BuildFailure>).errors);
}

function where(message: Message): string {
  const loc = message.location;
  return loc ? `${relative(process.cwd(), loc.file) || loc.file}:${loc.line}:${loc.column + 1}: ` : '';
}

/**
 * An esbuild failure as one PolyfaasError: every package it could not resolve
 * in one {@link missingPackages} message (with the `npm install` line), else
 * the compiler's own messages with paths relative to the working directory.
 */
export function explainBuildFailure(err: unknown, command: string): Error {
  if (!isBuildFailure(err)) return err instanceof Error ? err : new Error(String(err));
  const unresolved = err.errors.map((m) => /^Could not resolve "([^"]+)"/.exec(m.text)?.[1]).filter((s): s is string => s !== undefined && isBare(s));
  if (unresolved.length > 0) return missingPackages(command, unresolved.map(packageOf));
  const lines = err.errors.slice(0, 5).map((m) => `  ${where(m)}${m.text}`);
  return new PolyfaasError('InvalidArgument', `the entry does not compile (${command}):\n${lines.join('\n')}`);
}

/**
 * Packages a build left external (imports esbuild did not follow) that are not
 * installed: all of them in one {@link missingPackages} error, before Node.js
 * would report them one import at a time.
 */
export function checkExternalImports(metafile: Metafile, command: string): void {
  const wanted = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) if (imported.external && isBare(imported.path)) wanted.add(packageOf(imported.path));
  }
  const missing = [...wanted].filter((name) => findPackage(name) === undefined);
  if (missing.length > 0) throw missingPackages(command, missing);
}
