/**
 * Envelope encryption at rest: what encryptedBucket costs over the same bucket
 * without it, measured in the same run (FileBucket, non-durable, in the temp
 * directory; local key-encryption key, so no network in either column).
 *
 * 1. put and get of 1 KiB and 8 MiB objects, encrypted vs plain, as ms per op
 *    (median of interleaved rounds; one op in flight). Target: <= 1.3x.
 * 2. RSS rise streaming a 1 GiB object (quick: 256 MiB) through the encrypted
 *    bucket (put(stream) then getStream()), against raw fs streams. Target:
 *    the encrypted stream raises RSS by at most 64 MB.
 *
 * Usage: npx tsx bench/encrypted-bucket.ts [--quick]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileBucket } from '../adapters/local/index.js';
import type { Bucket } from '../src/index.js';
import { encryptedBucket, generateLocalKey, localKey } from '../src/index.js';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { median, round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { limitRow, ratioRow } from './support/types.js';

interface Case {
  label: string;
  size: number;
  ops: number;
}

/** ms per op of `ops` sequential calls. */
async function perOp(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < ops; i++) await fn(i);
  return (performance.now() - started) / ops;
}

async function measure(c: Case, rounds: number): Promise<Record<'plain' | 'encrypted', { put: number; get: number }>> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-bench-enc-'));
  try {
    const plain = new FileBucket(join(dir, 'plain'), { durable: false });
    const buckets: Record<'plain' | 'encrypted', Bucket> = {
      plain,
      encrypted: encryptedBucket(new FileBucket(join(dir, 'encrypted'), { durable: false }), localKey(generateLocalKey())),
    };
    const bodies = Array.from({ length: Math.min(c.ops, 16) }, () => new Uint8Array(randomBytes(c.size)));
    const samples = { plain: { put: [] as number[], get: [] as number[] }, encrypted: { put: [] as number[], get: [] as number[] } };
    // One warm-up round each, then interleaved rounds so both see the same disk and CPU conditions.
    for (let r = -1; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const)) {
        const bucket = buckets[mode];
        const put = await perOp(c.ops, (i) => bucket.put(`k/${i}`, bodies[i % bodies.length] as Uint8Array));
        const get = await perOp(c.ops, async (i) => {
          if ((await bucket.get(`k/${i}`)).body.byteLength !== c.size) throw new Error('short read');
        });
        if (r >= 0) {
          samples[mode].put.push(put);
          samples[mode].get.push(get);
        }
      }
    }
    return {
      plain: { put: median(samples.plain.put), get: median(samples.plain.get) },
      encrypted: { put: median(samples.encrypted.put), get: median(samples.encrypted.get) },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function streamRise(mode: 'encrypted' | 'raw', bytes: number): Promise<{ rssRiseMb: number; seconds: number }> {
  const result = await runChild(process.execPath, [...TSX_ARGS, resolve('bench/children/stream-rss.ts'), mode, String(bytes)], { env: process.env });
  return lastJsonLine<{ rssRiseMb: number; seconds: number }>(result, `stream-rss ${mode}`);
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const rounds = opts.quick ? 3 : 7;
  const cases: Case[] = [
    { label: '1 KiB', size: 1024, ops: opts.quick ? 200 : 1000 },
    { label: '8 MiB', size: 8 * 2 ** 20, ops: opts.quick ? 4 : 10 },
  ];
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const m = await measure(c, rounds);
    for (const op of ['put', 'get'] as const) {
      rows.push(
        ratioRow({
          metric: `encrypted ${op} ${c.label} (vs same FileBucket plain)`,
          baseline: round(m.plain[op], 4),
          polyfaas: round(m.encrypted[op], 4),
          unit: 'ms/op',
          ratio: 'polyfaas/baseline',
          target: ['<=', 1.3],
          note: `median of ${rounds} interleaved rounds of ${c.ops} sequential ops; non-durable FileBucket; local key (no KMS latency)`,
        }),
      );
    }
  }
  const bytes = (opts.quick ? 256 : 1024) * 2 ** 20;
  const raw = await streamRise('raw', bytes);
  const encrypted = await streamRise('encrypted', bytes);
  rows.push(
    limitRow({
      metric: `RSS rise streaming ${bytes / 2 ** 20} MiB through encryptedBucket(FileBucket) (vs raw fs streams)`,
      baseline: round(raw.rssRiseMb, 1),
      polyfaas: round(encrypted.rssRiseMb, 1),
      unit: 'MB',
      limit: 64,
      note: `peak RSS sampled every 10 ms minus RSS before; put(stream) then getStream(); ${round(encrypted.seconds, 1)} s encrypted, ${round(raw.seconds, 1)} s raw`,
    }),
  );
  return rows;
}

await runStandalone(import.meta.url, run);
