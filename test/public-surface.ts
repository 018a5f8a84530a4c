import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The public entries of the package and what each exports, read from the
 * sources with the TypeScript compiler so that type-only exports count too.
 * Entry names come from tsconfig.json `paths`, the one map from `polyfaas/…`
 * to source files that tsc, tsx and esbuild all read.
 */
export function publicExports(root: string): Record<string, string[]> {
  const configPath = resolve(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const paths = parsed.options.paths ?? {};
  const entries = Object.fromEntries(Object.entries(paths).map(([name, [file]]) => [name, resolve(root, file as string)]));
  const program = ts.createProgram(Object.values(entries), { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const result: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`no module for ${name} at ${file}`);
    result[name] = checker.getExportsOfModule(symbol).map((s) => s.name).sort();
  }
  return result;
}
