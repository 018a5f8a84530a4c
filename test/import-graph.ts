import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Module specifiers a TS file loads at run time (type-only imports excluded, since they vanish on compile). */
export function runtimeSpecifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    if (/^\s*;?\s*(import|export)\s+type\s/.test(m[0])) continue;
    const spec = m[1] ?? m[2];
    if (spec) found.push(spec);
  }
  return found;
}

/** Every TS source file under a directory (tests included). */
export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** The files an entry point loads, following relative imports (static and dynamic). */
export function reachableFiles(entry: string, root: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(entry)];
  while (stack.length) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeSpecifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) stack.push(target);
    }
  }
  return new Set([...seen].map((f) => relative(root, f)));
}

/** Module specifiers a TS file names, type-only imports and computed `import(\`…\`)` paths included (as `` ` ``). */
export function allSpecifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const found = [...source.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2]) as string).filter(Boolean);
  if (/import\(\s*`/.test(source)) found.push('`');
  return found;
}

/**
 * Why an import from one repository file to another crosses the bundling
 * boundary, or undefined if it does not. Paths are relative to the repository
 * root; `to` is `` ` `` for an import whose path is computed, which hides the graph.
 * - adapters/ never import cli/ (the CLI is built on them, not the other way);
 * - bundling/ (the shared toolkit) imports neither cli/ nor adapters/;
 * - cli/ reaches an adapter's bundling code only through cli/clouds.ts, and
 *   there only the cloud's `bundle/bundler.ts` (its `CloudBundler`);
 * - the runtime (src/, pipelines/) never imports bundling/, so esbuild stays out of it.
 */
export function bundlingBoundaryViolation(from: string, to: string): string | undefined {
  const area = (path: string) => path.split('/')[0];
  if (to === '`') return /^(cli|bundling)\//.test(from) ? 'imports a computed path' : undefined;
  if (area(from) === 'adapters' && area(to) === 'cli') return 'an adapter imports the CLI';
  if (area(from) === 'bundling' && (area(to) === 'cli' || area(to) === 'adapters')) return `the bundling toolkit imports ${area(to)}/`;
  if (area(from) === 'cli' && /^adapters\/[^/]+\/bundle\//.test(to)) {
    if (from !== 'cli/clouds.ts') return 'the CLI reaches a bundler other than through cli/clouds.ts';
    if (!/^adapters\/[^/]+\/bundle\/bundler\.ts$/.test(to)) return 'cli/clouds.ts imports more than a CloudBundler';
  }
  if ((area(from) === 'src' || area(from) === 'pipelines') && area(to) === 'bundling') return 'the runtime imports the bundling toolkit';
  return undefined;
}

/** Every import under `dirs` that crosses the bundling boundary, as `from → to: why`. */
export function bundlingBoundaryViolations(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of dirs.flatMap((dir) => sourceFiles(resolve(root, dir)))) {
    const from = relative(root, file);
    for (const spec of allSpecifiers(file)) {
      if (spec !== '`' && !spec.startsWith('.')) continue;
      const to = spec === '`' ? spec : relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      const why = bundlingBoundaryViolation(from, to);
      if (why) out.push(`${from} → ${to}: ${why}`);
    }
  }
  return out;
}
