import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AuthOptions, InvocationFacts, Logger } from 'polyfaas';
import { InvocationObserver } from 'polyfaas/adapter';
import { createLogger } from 'polyfaas';
import type { LocalServer } from 'polyfaas/local';
import { registerSchemes, serve } from 'polyfaas/local';
import type { EvaluationReport, PipelineStatus, TrainingConfig } from 'polyfaas/pipelines';
import { createProgressBar, explainStatus, PIPELINE_BUCKET, productionReport, progressHooks, replayHook, requestTraining } from 'polyfaas/pipelines';
import { fashionMnistApp, DEFAULT_DATA_DIR } from './app.js';
import type { FashionMnist } from './data/source.js';
import { loadFashionMnist } from './data/source.js';
import { ingest } from './data/ingest.js';
import { FASHION_MNIST_DATASET } from './data/labels.js';
import type { RunOptions } from './run-options.js';
import type { PoolAppSettings } from './pool-settings.js';
import { POOL_APP_ENV } from './pool-settings.js';

/** The module each pool worker loads (by path: importing it here would read an environment not yet set). */
const POOL_APP_MODULE = fileURLToPath(new URL('./pool-app.ts', import.meta.url));

/**
 * What `--full` trains: the CNN with two batch-normalised convolutions per
 * block (32-32, 64-64) and a 256-unit dense layer, 12 epochs of augmented
 * images (half flipped, shifted by up to one pixel, seeded) with a cosine
 * learning rate from 0.002 after one warm-up epoch. With `--workers 2` (the
 * default of `--full` on two cores) it reached 0.941 in 35 minutes of
 * training; see examples/fashion-mnist/README.md.
 */
export const FULL_TRAINING = {
  epochs: 12,
  batchNorm: true,
  convsPerBlock: 2,
  denseUnits: 256,
  dropout: 0.3,
  learningRate: 0.002,
  schedule: 'cosine',
  warmupEpochs: 1,
  augment: { flipProbability: 0.5, maxShift: 1 },
} as const satisfies TrainingConfig;

/** The training config of a demo run: 2 epochs of the reference CNN, or {@link FULL_TRAINING}, then the flags (`--workers` trains data-parallel), then `training`. */
export function demoTraining(options: Pick<RunOptions, 'full' | 'epochs' | 'limit' | 'checkpointEvery' | 'workers'> & { training?: TrainingConfig }): TrainingConfig {
  return {
    epochs: 2,
    ...(options.full ? FULL_TRAINING : {}),
    ...(options.epochs ? { epochs: options.epochs } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options.checkpointEvery ? { checkpointEverySteps: options.checkpointEvery } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...options.training,
  };
}

/** Where the demo writes: human text to `err` (progress, notes), machine output to `out`. */
export interface RunIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown; isTTY?: boolean };
}

/** A finished demo run: the server still serving, and the production model's report. */
export interface DemoRun {
  server: LocalServer;
  report: EvaluationReport | undefined;
  data: FashionMnist;
  /** Every invocation so far (and those still to come while the server serves), for the run's cost. */
  invocations: InvocationFacts[];
}

/**
 * Run the whole pipeline on the local runtime: ingest PNGs into the file
 * bucket (which starts preprocessing through storage events), let the chain
 * train, evaluate and promote, and leave `POST /predict` serving.
 */
export async function runFashionMnist(options: RunOptions & { training?: TrainingConfig; data?: FashionMnist; auth?: AuthOptions }, io: RunIo): Promise<DemoRun> {
  const data = options.data ?? (await loadFashionMnist());
  const where = data.location;
  io.err.write(`data: ${where.origin} (${where.dir}) — ${data.train.count} train / ${data.test.count} test images\n`);
  for (const note of where.notes) io.err.write(`  note: ${note}\n`);
  if (where.origin === 'fixture') io.err.write('  (the committed subset trains a demo model only; install dataset-fashion-mnist or set FASHION_MNIST_DIR for the real thing)\n');

  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  registerSchemes();
  const training = demoTraining(options);
  const log: Logger = createLogger({ level: options.verbose ? 'info' : 'warn', sink: (r) => io.err.write(`${JSON.stringify(r)}\n`) });
  // Demo data can be re-created at will, so skip fsync: ingest is several times faster.
  const bucketUrl = `${pathToFileURL(dataDir).href}?durable=false`;
  const hooks = progressHooks(io.err);
  const app = fashionMnistApp({
    ...(options.auth ? { auth: options.auth } : {}),
    bucket: bucketUrl,
    training,
    hooks,
  });
  // Every invocation's duration and memory, kept whole (the observer's ring only keeps the last ones) to cost the run.
  const observer = new InvocationObserver();
  const invocations: InvocationFacts[] = [];
  observer.subscribe((records) => invocations.push(...records.map((r) => ({ function: r.function, durationMs: r.durationMs, ...(r.memoryMb ? { memoryMb: r.memoryMb } : {}) }))));
  const workers = options.workers && options.workers > 1 ? options.workers : undefined;
  // Forked pool workers inherit the environment: that is how they build the same app (see pool-app.ts).
  if (workers) process.env[POOL_APP_ENV] = JSON.stringify({ bucket: bucketUrl, training } satisfies PoolAppSettings);
  // The pool's invocations reach `observer` as the server's own do; their hook calls come back over the pool's channel.
  const pool = workers ? { workers: { module: POOL_APP_MODULE, export: 'app', count: workers, onMessage: (message: unknown) => replayHook(hooks, message) } } : {};
  const server = await serve(app, { port: options.port, log, observer, ...pool });
  try {
    const bucket = server.bucket(PIPELINE_BUCKET);
    const total = Math.min(data.train.count, options.limit ?? Infinity) + Math.min(data.test.count, options.limit ?? Infinity);
    const bar = createProgressBar({ total, label: 'ingest', stream: io.err });
    const summary = await ingest(bucket, data, { ...(options.limit ? { limit: options.limit } : {}), onProgress: () => bar.tick() });
    bar.finish();
    const written = (summary.train?.written ?? 0) + (summary.test?.written ?? 0);
    io.err.write(written ? `ingested ${written} new images; the pipeline is running\n` : 'all images already ingested\n');
    await server.idle();
    if (await requestTraining(bucket, FASHION_MNIST_DATASET)) await server.idle();
    for (const letter of server.deadLetters) io.err.write(`FAILED ${letter.function}: ${letter.error.code} ${letter.error.message}\n`);
    const { report, refused } = await productionReport(bucket, FASHION_MNIST_DATASET);
    for (const r of refused) io.err.write(`candidate ${r.version}: ${r.reason}\n`);
    if (!report) await explainNoModel(server, io);
    return { server, report, data, invocations };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** Say what the pipeline is stuck on, from its own `GET /status`. */
async function explainNoModel(server: LocalServer, io: RunIo): Promise<void> {
  const res = await fetch(`${server.url}/status`);
  if (!res.ok) return;
  for (const line of explainStatus((await res.json()) as PipelineStatus)) io.err.write(`${line}\n`);
}
