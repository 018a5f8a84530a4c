/**
 * Peak RSS of the default training run: the Fashion-MNIST main job (`npm
 * start -- --exit`: ingest, preprocess, train 2 epochs, evaluate, promote) in
 * a fresh process with a fresh data directory. Target: <= 1 GB.
 *
 * Full mode is exactly that run on whatever data `npm start` finds (the real
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` when installed: about
 * 5 minutes here). Quick mode runs the same job on the first 6000 images of
 * each split for 1 epoch, which says less about the full-size peak; the
 * table's note says which one ran.
 *
 * Usage: npx tsx bench/training-memory.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { limitRow } from './support/types.js';

interface TrainRss {
  maxRssMb: number;
  seconds: number;
  accuracy?: number;
  origin: string;
  train: number;
  test: number;
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-train-rss-'));
  try {
    const flags = ['--exit', '--fresh', '--data-dir', dir, ...(opts.quick ? ['--limit', '6000', '--epochs', '1'] : [])];
    const result = await runChild(process.execPath, [...TSX_ARGS, resolve('bench/children/train-rss.ts'), ...flags], { env: { ...process.env, POLYFAAS_LOG_LEVEL: 'warn' } });
    if (result.code !== 0) throw new Error(`training run failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    const r = lastJsonLine<TrainRss>(result, 'train-rss');
    const what = opts.quick ? 'quick: first 6000 images per split, 1 epoch' : 'default run: 2 epochs';
    return [
      limitRow({
        metric: 'peak RSS: default training run (npm start -- --exit)',
        // The seed has no training job to compare with: the baseline column is the limit itself.
        baseline: 1024,
        polyfaas: round(r.maxRssMb, 1),
        unit: 'MB',
        limit: 1024,
        note: `${what}; ${r.origin} data, ${r.train} train / ${r.test} test images; ingest → evaluate in ${round(r.seconds, 0)} s, accuracy ${r.accuracy === undefined ? 'n/a' : round(r.accuracy, 4)}; process maxRSS; baseline column = the 1 GB limit`,
      }),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await runStandalone(import.meta.url, run);
