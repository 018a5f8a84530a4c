import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PolyfaasError } from '../../src/errors.js';

/** polyfaas' own package.json: the nearest one named polyfaas above this file, from source (bundling/entry) or the build (dist/bundling/entry). */
function ownPackageJson(): { version: string; peerDependencies?: Record<string, string>; dependencies?: Record<string, string> } {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'polyfaas') return pkg;
    }
    if (dirname(dir) === dir) throw new PolyfaasError('Internal', 'polyfaas cannot find its own package.json');
  }
}

/** The installed polyfaas version. */
export function polyfaasVersion(): string {
  return ownPackageJson().version;
}

/**
 * Where a package is installed, as Node.js would find it from the user's
 * project (the working directory), else from polyfaas' own location: the
 * folder holding its package.json, or undefined.
 */
export function findPackage(name: string, from: readonly string[] = [process.cwd(), import.meta.dirname]): string | undefined {
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** The installed version of a package, for pinning it in a bundle's package.json. */
export function installedVersion(name: string): string {
  const dir = findPackage(name);
  if (!dir) throw missingPackages('polyfaas', [name]);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The one error for packages a command needs and cannot find: it names every
 * one of them and gives the `npm install` line, with the versions polyfaas
 * declares for its peers.
 */
export function missingPackages(command: string, names: readonly string[]): PolyfaasError {
  const pkg = ownPackageJson();
  const ranges = { ...pkg.dependencies, ...pkg.peerDependencies };
  const unique = [...new Set(names)];
  const specs = unique.map((name) => (ranges[name] ? `${name}@${ranges[name]}` : name));
  return new PolyfaasError('PreconditionFailed', `${command} needs ${unique.join(', ')}, not installed here.\nInstall with:\n  npm install ${specs.join(' ')}`);
}

/** Fail with {@link missingPackages} unless every named package is installed. */
export function requirePackages(command: string, names: readonly string[]): void {
  const missing = names.filter((name) => findPackage(name) === undefined);
  if (missing.length > 0) throw missingPackages(command, missing);
}

/** The package an import specifier names: `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
