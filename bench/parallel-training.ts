/**
 * Data-parallel training: samples/s and test accuracy of the Fashion-MNIST
 * pipeline (same CNN, epochs, batch size and seed) trained by one invocation
 * at a time (`training.workers` 1) versus two data-parallel workers averaging
 * their weights every round (`training.workers` 2), both on
 * `serve({ workers: 2 })` with a file bucket. Features are written straight
 * from the IDX files (Debian's dataset-fashion-mnist); the clock runs from the
 * train split's features manifest landing (which plans training) to the run's
 * recorded finish, so it includes every invocation, model load/save and round
 * overhead; evaluation then scores the saved version on the 10,000 test images.
 * The machine is shared: the 1-minute load average is recorded with the numbers.
 *
 * Usage: npx tsx bench/parallel-training.ts [--quick]
 *   env BENCH_PARALLEL_EPOCHS (default 2), BENCH_ROUND_STEPS, BENCH_ROUND_OPTIMIZER (average|reset),
 *   BENCH_RATE_SCALE, BENCH_RATE_WARMUP, BENCH_ROUND_MOMENTUM, BENCH_LEARNING_RATE (2-worker run only)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileBucket, serve } from '../adapters/local/index.js';
import { createLogger } from '../src/index.js';
import { loadFashionMnist } from '../examples/fashion-mnist/data/source.js';
import type { FashionMnist } from '../examples/fashion-mnist/data/source.js';
import { FASHION_MNIST_CLASSES } from '../examples/fashion-mnist/data/labels.js';
import type { RunResult } from '../pipelines/image-classification/jobs.js';
import { readJsonIfExists, RUNS_PREFIX } from '../pipelines/image-classification/jobs.js';
import { writeIdxFeatures } from '../pipelines/image-classification/test-support/idx-features.js';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const MODULE = resolve(import.meta.dirname, 'support/parallel-training-app.ts');
const STEP_RATE = resolve(import.meta.dirname, 'support/step-rate.ts');

/**
 * What two processes training at once get against one alone, on this machine
 * now (no pipeline involved): the ceiling of the 2-worker ratio while other
 * work shares the cores. Returns the ratio.
 */
async function machineCeiling(): Promise<number> {
  const rate = async () => lastJsonLine<{ samplesPerSecond: number }>(await runChild(process.execPath, [...TSX_ARGS, STEP_RATE, '60']), 'step-rate').samplesPerSecond;
  const one = await rate();
  const [a, b] = await Promise.all([rate(), rate()]);
  return (a + b) / one;
}

interface Measured {
  samplesPerSecond: number;
  /** Examples over optimizer-step time only (the slowest worker's per round): what round overhead leaves out. */
  computeSamplesPerSecond: number;
  seconds: number;
  accuracy: number;
  load: number;
}

/** One timed training run of `exported` (see support/parallel-training-app.ts) on a fresh bucket. */
export async function measure(data: FashionMnist, exported: 'single' | 'parallel', limit: number, epochs: number): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-bench-dp-'));
  try {
    const plain = new FileBucket(dir);
    const train = await writeIdxFeatures(plain, 'train', data.train, FASHION_MNIST_CLASSES, limit);
    const test = await writeIdxFeatures(plain, 'test', data.test, FASHION_MNIST_CLASSES);
    await plain.put(test.key, JSON.stringify(test.manifest));
    const server = await serve({ ...(await import('./support/parallel-training-app.js'))[exported] }, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: MODULE, export: exported, count: 2 },
      console: false,
      stateDir: false,
      log: createLogger({ level: 'warn' }),
    });
    try {
      const t0 = Date.now();
      await server.bucket('data').put(train.key, JSON.stringify(train.manifest), { contentType: 'application/json' });
      await server.idle();
      if (server.deadLetters.length) throw new Error(`dead letters: ${JSON.stringify(server.deadLetters.map((d) => d.error))}`);
      let result: RunResult | undefined;
      for await (const obj of plain.list({ prefix: RUNS_PREFIX })) if (obj.key.endsWith('/result.json')) result = await readJsonIfExists<RunResult>(plain, obj.key);
      if (!result) throw new Error('training recorded no result');
      const report = await readJsonIfExists<{ metrics?: { accuracy: number } }>(plain, `reports/${result.model}/${result.version}.json`);
      if (!report?.metrics) throw new Error('no evaluation report');
      const seconds = (Date.parse(result.finishedAt) - t0) / 1000;
      const version = await readJsonIfExists<{ metadata: { samplesPerSecond: number } }>(plain, `models/${result.model}/versions/${result.version}/manifest.json`);
      return { samplesPerSecond: (epochs * train.manifest.count) / seconds, computeSamplesPerSecond: version?.metadata.samplesPerSecond ?? 0, seconds, accuracy: report.metrics.accuracy, load: loadavg()[0] as number };
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  // Quick: 12,000 images for one epoch; full: all 60,000 for BENCH_PARALLEL_EPOCHS (2).
  if (opts.quick) {
    process.env['BENCH_PARALLEL_EPOCHS'] = '1';
    process.env['BENCH_PARALLEL_LIMIT'] = '12000';
  }
  const epochs = Number(process.env['BENCH_PARALLEL_EPOCHS'] ?? 2);
  const limit = Number(process.env['BENCH_PARALLEL_LIMIT'] ?? Infinity);
  const data = await loadFashionMnist({ download: false });
  if (data.location.origin === 'fixture') throw new Error('parallel-training needs the full Fashion-MNIST (apt-get install dataset-fashion-mnist)');
  const ceilingBefore = await machineCeiling();
  const one = await measure(data, 'single', limit, epochs);
  const two = await measure(data, 'parallel', limit, epochs);
  const ceilingAfter = await machineCeiling();
  const examples = Math.min(limit, data.train.count);
  const context = `${examples} train images × ${epochs} epoch(s), batch 64, reference CNN; serve({ workers: 2 }); load avg ${round(one.load, 2)} / ${round(two.load, 2)} (shared 2-core machine)`;
  return [
    ratioRow({
      metric: 'data-parallel training: 2 workers vs 1 (samples/s)',
      baseline: round(one.samplesPerSecond, 1),
      polyfaas: round(two.samplesPerSecond, 1),
      unit: 'samples/s',
      ratio: 'polyfaas/baseline',
      target: ['>=', 1.7],
      note: `${context}; wall ${round(one.seconds, 1)} s vs ${round(two.seconds, 1)} s from features manifest to recorded finish; optimizer steps alone ${round(one.computeSamplesPerSecond)} vs ${round(two.computeSamplesPerSecond)} samples/s; two bare training processes vs one, before/after: ${round(ceilingBefore, 2)}× / ${round(ceilingAfter, 2)}× (the ceiling the shared machine allowed)`,
    }),
    {
      metric: 'data-parallel training: test accuracy, 2 workers minus 1 (points)',
      baseline: round(one.accuracy * 100, 2),
      polyfaas: round(two.accuracy * 100, 2),
      unit: '% test accuracy',
      ratio: round((two.accuracy - one.accuracy) * 100, 2),
      target: '>= -0.5 points',
      pass: two.accuracy - one.accuracy >= -0.005,
      note: `10,000 test images; ${context}`,
    },
  ];
}

await runStandalone(import.meta.url, run);
