import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain } from './is-main.js';
import { formatTable } from './table.js';
import type { BenchRun } from './types.js';

/** The module's leading doc comment as plain text: what `--help` prints. */
export function moduleDoc(moduleUrl: string): string {
  const source = readFileSync(fileURLToPath(moduleUrl), 'utf8');
  const match = /^\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!match?.[1]) return '';
  return match[1]
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

/**
 * Let a benchmark module run on its own: `npx tsx bench/<name>.ts [--quick]`
 * prints its table and notes, `--help` prints its doc comment, anything else
 * is a usage error (exit 2). Does nothing when the module is imported by
 * `bench/run.ts`.
 */
export async function runStandalone(moduleUrl: string, run: BenchRun): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const name = basename(fileURLToPath(moduleUrl), '.ts');
  const usage = `Usage: npx tsx bench/${name}.ts [--quick]   (all of them: npm run bench)`;
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`${usage}\n\n${moduleDoc(moduleUrl)}`);
    return;
  }
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length) {
    console.error(`unknown argument ${unknown.join(' ')}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const rows = await run({ quick: argv.includes('--quick') });
  console.log(formatTable(rows));
  for (const row of rows) if (row.note) console.log(`${row.metric}: ${row.note}`);
}
