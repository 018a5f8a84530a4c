/**
 * Memory:
 *
 * 1. Peak RSS (`maxRSS`) of the bundled polyfaas `predict` Lambda through a
 *    cold start and a burst of API Gateway requests (16 in flight), against
 *    the seed-style handler doing the same (see `cold-start.ts`). Target: the
 *    polyfaas function stays within 120 MB.
 * 2. Streaming a 1 GiB object (quick: 256 MiB) into a FileBucket and back out
 *    must not raise RSS by more than 64 MB; raw `fs` streams are the baseline.
 *
 * Usage: npx tsx bench/memory.ts [--quick]
 */
import { resolve } from 'node:path';
import { buildColdStartKit, handlerEnv } from './cold-start/bundle.js';
import { ensureBenchModel } from './support/bench-model.js';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { limitRow } from './support/types.js';

async function burstRss(runner: string, handler: string, png: string, env: NodeJS.ProcessEnv, burst: number): Promise<{ maxRssMb: number; burstMs: number }> {
  const result = await runChild(process.execPath, [runner, handler, png, String(burst), '16'], { env });
  if (result.code !== 0) throw new Error(`${handler} burst failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
  return lastJsonLine(result, handler);
}

async function streamRise(mode: 'bucket' | 'raw', bytes: number): Promise<number> {
  const result = await runChild(process.execPath, [...TSX_ARGS, resolve('bench/children/stream-rss.ts'), mode, String(bytes)], { env: process.env });
  return lastJsonLine<{ rssRiseMb: number }>(result, `stream-rss ${mode}`).rssRiseMb;
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const burst = opts.quick ? 200 : 1000;
  const model = await ensureBenchModel();
  const kit = await buildColdStartKit();
  let rows: BenchRow[];
  try {
    const env = handlerEnv(model.dir);
    const seed = await burstRss(kit.runner, kit.seedHandler, kit.png, env, burst);
    const ours = await burstRss(kit.runner, kit.bundle.entryFile, kit.png, env, burst);
    rows = [
      limitRow({
        metric: `peak RSS: cold start + ${burst} requests (bundled predict vs seed)`,
        baseline: round(seed.maxRssMb, 1),
        polyfaas: round(ours.maxRssMb, 1),
        unit: 'MB',
        limit: 120,
        note: `process maxRSS, 16 requests in flight; burst took seed ${seed.burstMs} ms, polyfaas ${ours.burstMs} ms`,
      }),
    ];
  } finally {
    await kit.cleanup();
  }
  const bytes = (opts.quick ? 256 : 1024) * 2 ** 20;
  const raw = await streamRise('raw', bytes);
  const bucket = await streamRise('bucket', bytes);
  rows.push(
    limitRow({
      metric: `RSS rise streaming ${bytes / 2 ** 20} MiB through FileBucket (vs raw fs streams)`,
      baseline: round(raw, 1),
      polyfaas: round(bucket, 1),
      unit: 'MB',
      limit: 64,
      note: 'peak RSS sampled every 10 ms minus RSS before; put(stream) then getStream(), fresh process per mode',
    }),
  );
  return rows;
}

await runStandalone(import.meta.url, run);
