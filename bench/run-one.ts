/**
 * Child entry of `bench/run.ts`: runs one benchmark module in a fresh process
 * and writes its rows to a JSON file. A process per benchmark keeps tfjs'
 * global backend, the heap and peak-RSS readings of one benchmark from
 * leaking into the next.
 *
 * Usage: node --import tsx bench/run-one.ts <name> <out.json> [--quick]
 */
import { writeFile } from 'node:fs/promises';
import type { BenchRun } from './support/types.js';

const [name, out, ...flags] = process.argv.slice(2);
if (!name || !out) throw new Error('usage: run-one.ts <name> <out.json> [--quick]');
const mod = (await import(`./${name}.ts`)) as { run?: BenchRun };
if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts does not export run()`);
const rows = await mod.run({ quick: flags.includes('--quick') });
await writeFile(out, JSON.stringify(rows));
// Servers, s3rver children or tfjs timers may still hold the loop; the rows are written.
process.exit(0);
