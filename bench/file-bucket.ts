/**
 * Small-object throughput of FileBucket, against a raw `fs` baseline measured
 * in the same run (same bodies, same concurrency, same file system).
 *
 * Usage: npx tsx bench/file-bucket.ts [--objects N] [--concurrency N] [--size BYTES] [--dir PATH]
 * As part of `npm run bench` it runs through {@link run} (quick: 1000 objects).
 *
 * For each mode (durable, non-durable) it times:
 * - baseline put: `fs.promises.writeFile(temp, body, { flush })` + `rename(temp, target)`,
 *   the least any atomic file write can do (no metadata, no locking);
 * - bucket put:   `FileBucket.put(key, body, { contentType })` of fresh keys;
 * - baseline get: `fs.promises.readFile(target)`;
 * - bucket get:   `FileBucket.get(key)`.
 *
 * Prints a table, then one JSON line:
 *   {"bench":"file-bucket","durable_puts_per_s":..,"durable_put_ratio":..,...}
 * where each ratio is bucket ops/s divided by baseline ops/s.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileBucket } from '../adapters/local/index.js';
import { isMain } from './support/is-main.js';
import { moduleDoc } from './support/standalone.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

/** One measurement setup: how many objects, how big, how many in flight, where. */
interface Config {
  objects: number;
  concurrency: number;
  size: number;
  dir: string;
}

interface Fixture extends Config {
  /** Keys shaped like the demo's image set: a few label directories, many small files each. */
  keys: string[];
  /** Distinct bodies so nothing can be deduplicated by accident. */
  bodies: Uint8Array[];
}

function fixture(config: Config): Fixture {
  const keys = Array.from({ length: config.objects }, (_, i) => `images/label-${i % 10}/${String(i).padStart(6, '0')}.png`);
  return { ...config, keys, bodies: keys.map(() => new Uint8Array(randomBytes(config.size))) };
}

/** Run `fn(i)` for every index with at most `concurrency` in flight; returns ops per second. */
async function rate(f: Fixture, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < f.objects) await fn(next++);
  };
  await Promise.all(Array.from({ length: f.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return f.objects / seconds;
}

/** The raw-fs floor: atomic write of the body alone, directories created up front. */
async function baseline(f: Fixture, durable: boolean): Promise<{ put: number; get: number }> {
  const root = await mkdtemp(path.join(f.dir, 'bench-raw-'));
  try {
    const tmp = path.join(root, 'tmp');
    await mkdir(tmp);
    for (let l = 0; l < 10; l++) await mkdir(path.join(root, 'images', `label-${l}`), { recursive: true });
    const put = await rate(f, async (i) => {
      const temp = path.join(tmp, `t-${i}`);
      await writeFile(temp, f.bodies[i] as Uint8Array, { flush: durable });
      await rename(temp, path.join(root, f.keys[i] as string));
    });
    const get = await rate(f, (i) => readFile(path.join(root, f.keys[i] as string)));
    return { put, get };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function bucketRun(f: Fixture, durable: boolean): Promise<{ put: number; get: number }> {
  const root = await mkdtemp(path.join(f.dir, 'bench-bucket-'));
  try {
    const bucket = new FileBucket(root, { durable });
    const put = await rate(f, (i) => bucket.put(f.keys[i] as string, f.bodies[i] as Uint8Array, { contentType: 'image/png' }));
    const get = await rate(f, async (i) => {
      const got = await bucket.get(f.keys[i] as string);
      if (got.body.byteLength !== f.size) throw new Error(`short read of ${f.keys[i]}`);
    });
    return { put, get };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** Both modes, baseline and bucket back to back so both see the same disk and page-cache state. */
async function measure(config: Config): Promise<Record<'durable' | 'nondurable', { raw: { put: number; get: number }; ours: { put: number; get: number } }>> {
  const f = fixture(config);
  const out = {} as Record<'durable' | 'nondurable', { raw: { put: number; get: number }; ours: { put: number; get: number } }>;
  for (const durable of [true, false]) {
    const raw = await baseline(f, durable);
    const ours = await bucketRun(f, durable);
    out[durable ? 'durable' : 'nondurable'] = { raw, ours };
  }
  return out;
}

/** `npm run bench` entry: ms per op of FileBucket vs raw fs, put and get, durable and not. */
export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const config = { objects: opts.quick ? 1000 : 4000, concurrency: 16, size: 400, dir: tmpdir() };
  const results = await measure(config);
  return Object.entries(results).flatMap(([mode, { raw, ours }]) =>
    (['put', 'get'] as const).map((op) =>
      ratioRow({
        metric: `FileBucket ${op} ${config.size} B, ${mode} (vs raw fs)`,
        baseline: 1000 / raw[op],
        polyfaas: 1000 / ours[op],
        unit: 'ms/op',
        ratio: 'polyfaas/baseline',
        // Informational: the storage target is for the cloud drivers on their emulators. FileBucket
        // does more than the baseline on purpose: a metadata sidecar (2 files per get), a cross-process
        // lock and, when durable, fsyncs of file, sidecar and directory.
        note: `${config.objects} objects, ${config.concurrency} in flight; raw = writeFile(+flush)+rename / readFile, no metadata or locking`,
      }),
    ),
  );
}

if (isMain(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      objects: { type: 'string', default: '4000' },
      concurrency: { type: 'string', default: '16' },
      size: { type: 'string', default: '400' },
      dir: { type: 'string', default: tmpdir() },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (args.help) {
    console.log(moduleDoc(import.meta.url));
    process.exit(0);
  }
  const config = { objects: Number(args.objects), concurrency: Number(args.concurrency), size: Number(args.size), dir: args.dir };
  const result: Record<string, string | number> = { bench: 'file-bucket', objects: config.objects, concurrency: config.concurrency, size: config.size };
  console.log(`FileBucket: ${config.objects} objects of ${config.size} B, ${config.concurrency} concurrent, under ${config.dir}`);
  for (const [mode, { raw, ours }] of Object.entries(await measure(config))) {
    console.log(
      `${mode.padEnd(10)} put ${round(ours.put)}/s (raw ${round(raw.put)}/s, ${round(ours.put / raw.put, 2)}x)` +
        `  get ${round(ours.get)}/s (raw ${round(raw.get)}/s, ${round(ours.get / raw.get, 2)}x)`,
    );
    Object.assign(result, {
      [`${mode}_puts_per_s`]: round(ours.put),
      [`${mode}_raw_puts_per_s`]: round(raw.put),
      [`${mode}_put_ratio`]: round(ours.put / raw.put, 3),
      [`${mode}_gets_per_s`]: round(ours.get),
      [`${mode}_raw_gets_per_s`]: round(raw.get),
      [`${mode}_get_ratio`]: round(ours.get / raw.get, 3),
    });
  }
  console.log(JSON.stringify(result));
}
