/**
 * `npm run bench [-- --quick] [--only a,b] [--out file]`: every benchmark,
 * each in its own process, then one table and `bench/results.json`.
 *
 * Every row compares polyfaas with a baseline measured in the same run on the
 * same machine; absolute numbers vary with load (other jobs share this
 * machine), ratios much less.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHES } from './registry.js';
import { ensureBenchModel } from './support/bench-model.js';
import { runChild, TSX_ARGS } from './support/child.js';
import { machineInfo } from './support/machine.js';
import { formatTable } from './support/table.js';
import type { BenchRow } from './support/types.js';

const USAGE = `Usage: npm run bench [-- options]

Runs every benchmark (each in its own process), prints one table (metric,
baseline, polyfaas, ratio, target, pass/fail) and writes bench/results.json.

Options:
  --quick          fewer samples and runs (about 95 s + 45 s for text-train,
                   instead of about 7 min + 3 min)
  --only a,b       run only these benchmarks
  --out <file>     where to write the results (default bench/results.json)
  -h, --help       show this help

Benchmarks: ${BENCHES.join(', ')}`;

let parsed: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: 'bench/results.json' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parseOptions();
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const selected = args.only ? args.only.split(',').map((s) => s.trim()) : [...BENCHES];
for (const name of selected) {
  if (!(BENCHES as readonly string[]).includes(name)) {
    console.error(`unknown benchmark "${name}"\n\n${USAGE}`);
    process.exit(2);
  }
}

const started = performance.now();
// Trained once and cached; children then find it on disk instead of racing to train it.
const model = await ensureBenchModel();
console.error(`bench model ${model.name}@${model.version} in ${model.dir}`);

const scratch = await mkdtemp(join(tmpdir(), 'polyfaas-bench-'));
const rows: BenchRow[] = [];
const benches: Record<string, { seconds: number; rows: BenchRow[]; error?: string }> = {};
try {
  for (const name of selected) {
    const t = performance.now();
    const out = join(scratch, `${name}.json`);
    console.error(`\n▶ ${name}${args.quick ? ' (quick)' : ''}`);
    const child = await runChild(process.execPath, [...TSX_ARGS, resolve('bench/run-one.ts'), name, out, ...(args.quick ? ['--quick'] : [])], {
      env: { ...process.env, POLYFAAS_LOG_LEVEL: process.env.POLYFAAS_LOG_LEVEL ?? 'silent' },
    });
    const seconds = Number(((performance.now() - t) / 1000).toFixed(1));
    if (child.stdout.trim()) console.error(child.stdout.trimEnd());
    try {
      const benchRows = JSON.parse(await readFile(out, 'utf8')) as BenchRow[];
      rows.push(...benchRows);
      benches[name] = { seconds, rows: benchRows };
      console.error(`✔ ${name} in ${seconds} s`);
    } catch {
      const error = `exit ${child.code}: ${child.stderr.trim().split('\n').slice(-15).join('\n')}`;
      benches[name] = { seconds, rows: [], error };
      console.error(`✘ ${name} failed after ${seconds} s\n${error}`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const wallSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
console.log(`\n${formatTable(rows)}\n`);
const failed = rows.filter((r) => !r.pass).length;
const errored = Object.entries(benches).filter(([, b]) => b.error).map(([n]) => n);
console.log(`${rows.length} rows, ${failed} below target${errored.length ? `, errored: ${errored.join(', ')}` : ''}; ${wallSeconds} s wall${args.quick ? ' (quick)' : ''}`);
await writeFile(args.out, `${JSON.stringify({ machine: machineInfo(), quick: args.quick, wallSeconds, model: { name: model.name, version: model.version }, rows, benches }, null, 2)}\n`);
console.log(`wrote ${args.out}`);
