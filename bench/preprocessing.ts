/**
 * Preprocessing throughput: images/s of the pipeline's `preprocessPrefix`
 * (list, read, decode, resize, scale, write shards + manifest) versus a raw
 * loop that reads the same PNGs from the same bucket and decodes + resizes
 * each with sharp, at the same concurrency (16, the pipeline default). Both
 * over the committed fixture's train split in a MemoryBucket, so storage is
 * not what is measured; rounds alternate.
 *
 * Usage: npx tsx bench/preprocessing.ts [--quick]
 */
import { mapLimit } from '../src/index.js';
import sharp from 'sharp';
import { MemoryBucket } from '../adapters/memory/index.js';
import { preprocessPrefix } from '../pipelines/image-classification/preprocess-batch.js';
import { ingest } from '../examples/fashion-mnist/data/ingest.js';
import { loadFixtureData } from '../examples/fashion-mnist/test-support.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const INPUT = { width: 28, height: 28, channels: 1 } as const;
const CONCURRENCY = 16;

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const rounds = opts.quick ? 2 : 5;
  const bucket = new MemoryBucket('bench-raw');
  await ingest(bucket, await loadFixtureData());
  const prefix = 'raw/fashion-mnist/train/';
  const keys: string[] = [];
  for await (const info of bucket.list({ prefix })) if (info.key.endsWith('.png')) keys.push(info.key);

  const raw = async () => {
    const t = performance.now();
    await mapLimit(keys, CONCURRENCY, async (key) => {
      const png = (await bucket.get(key)).body;
      return sharp(png).greyscale().resize(INPUT.width, INPUT.height).raw().toBuffer();
    });
    return keys.length / ((performance.now() - t) / 1000);
  };
  const ours = async () => {
    // A fresh output bucket each round: the step is idempotent and would otherwise find its manifest and skip.
    const summary = await preprocessPrefix(bucket, { dataset: 'fashion-mnist', split: 'train', input: INPUT, output: new MemoryBucket('bench-out'), progress: false, concurrency: CONCURRENCY });
    if (summary.examples !== keys.length) throw new Error(`preprocessed ${summary.examples} of ${keys.length} images (${summary.errors} errors)`);
    return summary.examples / (summary.ms / 1000);
  };
  await raw(); // warm-up: sharp's thread pool and JIT, for both sides
  await ours();
  const rawRates: number[] = [];
  const ourRates: number[] = [];
  for (let i = 0; i < rounds; i++) {
    rawRates.push(await raw());
    ourRates.push(await ours());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [
    ratioRow({
      metric: 'preprocessPrefix vs raw sharp decode+resize',
      baseline: round(mean(rawRates), 0),
      polyfaas: round(mean(ourRates), 0),
      unit: 'images/s',
      ratio: 'polyfaas/baseline',
      target: ['>=', 0.8],
      note: `${keys.length} fixture PNGs (train split), concurrency ${CONCURRENCY}, mean of ${rounds} alternating rounds; polyfaas also writes shards and the manifest`,
    }),
  ];
}

await runStandalone(import.meta.url, run);
