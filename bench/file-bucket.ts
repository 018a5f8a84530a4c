/**
 * Small-object throughput of FileBucket, against a raw `fs` baseline measured
 * in the same run (same bodies, same concurrency, same file system).
 *
 * Usage: npx tsx bench/file-bucket.ts [--objects N] [--concurrency N] [--size BYTES] [--dir PATH]
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

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    size: { type: 'string', default: '400' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const objects = Number(args.objects);
const concurrency = Number(args.concurrency);
const size = Number(args.size);

/** Keys shaped like the demo's image set: a few label directories, many small files each. */
const keys = Array.from({ length: objects }, (_, i) => `images/label-${i % 10}/${String(i).padStart(6, '0')}.png`);
/** Distinct bodies so nothing can be deduplicated by accident. */
const bodies = keys.map(() => new Uint8Array(randomBytes(size)));

/** Run `fn(i)` for every index with at most `concurrency` in flight; returns ops per second. */
async function rate(fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < objects) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return objects / seconds;
}

/** The raw-fs floor: atomic write of the body alone, directories created up front. */
async function baseline(durable: boolean): Promise<{ put: number; get: number }> {
  const root = await mkdtemp(path.join(args.dir, 'bench-raw-'));
  try {
    const tmp = path.join(root, 'tmp');
    await mkdir(tmp);
    for (let l = 0; l < 10; l++) await mkdir(path.join(root, 'images', `label-${l}`), { recursive: true });
    const put = await rate(async (i) => {
      const temp = path.join(tmp, `t-${i}`);
      await writeFile(temp, bodies[i] as Uint8Array, { flush: durable });
      await rename(temp, path.join(root, keys[i] as string));
    });
    const get = await rate((i) => readFile(path.join(root, keys[i] as string)));
    return { put, get };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function bucketRun(durable: boolean): Promise<{ put: number; get: number }> {
  const root = await mkdtemp(path.join(args.dir, 'bench-bucket-'));
  try {
    const bucket = new FileBucket(root, { durable });
    const put = await rate((i) => bucket.put(keys[i] as string, bodies[i] as Uint8Array, { contentType: 'image/png' }));
    const get = await rate(async (i) => {
      const got = await bucket.get(keys[i] as string);
      if (got.body.byteLength !== size) throw new Error(`short read of ${keys[i]}`);
    });
    return { put, get };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const result: Record<string, string | number> = { bench: 'file-bucket', objects, concurrency, size };
console.log(`FileBucket: ${objects} objects of ${size} B, ${concurrency} concurrent, under ${args.dir}`);
for (const durable of [true, false]) {
  const mode = durable ? 'durable' : 'nondurable';
  // Baseline and bucket back to back, so both see the same disk and page-cache state.
  const raw = await baseline(durable);
  const ours = await bucketRun(durable);
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
