import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuthOptions, Bucket, Logger } from '../../src/index.js';
import { createLogger, isPolyfaasError } from '../../src/index.js';
import type { LocalServer } from '../../adapters/local/index.js';
import { registerSchemes, serve } from '../../adapters/local/index.js';
import type { EvaluationReport, PipelineStatus, ProgressBar, StoredReport, TrainingConfig } from '../../pipelines/image-classification/index.js';
import { createProgressBar, featuresManifestKey, isEvaluated, PIPELINE_BUCKET, REPORTS_PREFIX } from '../../pipelines/image-classification/index.js';
import { fashionMnistApp, DEFAULT_DATA_DIR } from './app.js';
import type { FashionMnist } from './data/source.js';
import { loadFashionMnist } from './data/source.js';
import { ingest } from './data/ingest.js';
import { FASHION_MNIST_DATASET } from './data/labels.js';
import type { RunOptions } from './run-options.js';

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
  const training: TrainingConfig = {
    epochs: options.epochs ?? (options.full ? 15 : 2),
    // Longer runs overfit this small CNN; more dropout and a decaying rate buy the last point of accuracy.
    ...(options.full ? { dropout: 0.4, learningRateDecay: 0.85 } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options.checkpointEvery ? { checkpointEverySteps: options.checkpointEvery } : {}),
    ...options.training,
  };
  const log: Logger = createLogger({ level: options.verbose ? 'info' : 'warn', sink: (r) => io.err.write(`${JSON.stringify(r)}\n`) });
  let trainBar: ProgressBar | undefined;
  const preprocessBars = new Map<string, ProgressBar>();
  const app = fashionMnistApp({
    ...(options.auth ? { auth: options.auth } : {}),
    // Demo data can be re-created at will, so skip fsync: ingest is several times faster.
    bucket: `${pathToFileURL(dataDir).href}?durable=false`,
    training,
    hooks: {
      onPreprocess: ({ split, done, total }) => {
        let bar = preprocessBars.get(split);
        if (!bar) preprocessBars.set(split, (bar = createProgressBar({ total, label: `preprocess ${split}`, stream: io.err })));
        bar.update(done);
        if (done === total) bar.finish();
      },
      onTrainBatch: (p) => {
        trainBar ??= createProgressBar({ total: p.epochs * p.batchesPerEpoch, label: 'train', stream: io.err });
        trainBar.update(p.epoch * p.batchesPerEpoch + p.batch);
      },
      onTrainEpoch: (r) => {
        io.err.write(`\n  epoch ${r.epoch + 1}: loss ${r.loss.toFixed(4)}, train accuracy ${(r.accuracy * 100).toFixed(2)}%, ${r.seconds.toFixed(1)} s\n`);
      },
      onEvaluated: (r) => {
        trainBar?.finish();
        io.err.write(`evaluated ${r.version}: accuracy ${(r.metrics.accuracy * 100).toFixed(2)}% on ${r.metrics.count} test images — ${r.reason}\n`);
      },
    },
  });
  const server = await serve(app, { port: options.port, log });
  try {
    const bucket = server.bucket(PIPELINE_BUCKET);
    const total = Math.min(data.train.count, options.limit ?? Infinity) + Math.min(data.test.count, options.limit ?? Infinity);
    const bar = createProgressBar({ total, label: 'ingest', stream: io.err });
    const summary = await ingest(bucket, data, { ...(options.limit ? { limit: options.limit } : {}), onProgress: () => bar.tick() });
    bar.finish();
    const written = (summary.train?.written ?? 0) + (summary.test?.written ?? 0);
    io.err.write(written ? `ingested ${written} new images; the pipeline is running\n` : 'all images already ingested\n');
    await server.idle();
    // Unchanged data fires no events, but a changed training config still deserves a run:
    // re-announcing the features asks plan-training, whose run id makes it a no-op otherwise.
    if (await requestTraining(bucket)) await server.idle();
    for (const letter of server.deadLetters) io.err.write(`FAILED ${letter.function}: ${letter.error.code} ${letter.error.message}\n`);
    const report = await productionReport(bucket, io);
    if (!report) await explainNoModel(server, io);
    return { server, report, data };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** Say what the pipeline is stuck on, from its own `GET /status`. */
async function explainNoModel(server: LocalServer, io: RunIo): Promise<void> {
  const res = await fetch(`${server.url}/status`);
  if (!res.ok) return;
  const status = (await res.json()) as PipelineStatus;
  for (const split of status.waitingFor) io.err.write(`waiting for the ${split} split: its features do not exist yet\n`);
  if (status.lastError) io.err.write(`last error: ${status.lastError.function} on ${status.lastError.key}: ${status.lastError.code} ${status.lastError.message}\n`);
}

async function requestTraining(bucket: Bucket): Promise<boolean> {
  try {
    const manifest = await bucket.get(featuresManifestKey(FASHION_MNIST_DATASET, 'train'));
    await bucket.put(manifest.key, manifest.body, { contentType: manifest.contentType, metadata: { ...manifest.metadata }, ifMatch: manifest.etag });
    return true;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound', 'PreconditionFailed')) return false;
    throw err;
  }
}

/** The report of the version `production` points at, else the newest report. */
async function productionReport(bucket: Bucket, io: RunIo): Promise<EvaluationReport | undefined> {
  const reports: EvaluationReport[] = [];
  for await (const obj of bucket.list({ prefix: `${REPORTS_PREFIX}${FASHION_MNIST_DATASET}/` })) {
    if (!obj.key.endsWith('.json')) continue;
    const stored = JSON.parse(new TextDecoder().decode((await bucket.get(obj.key)).body)) as StoredReport;
    if (isEvaluated(stored)) reports.push(stored);
    else io.err.write(`candidate ${stored.version}: ${stored.reason}\n`);
  }
  let production: string | undefined;
  try {
    production = (JSON.parse(new TextDecoder().decode((await bucket.get(`models/${FASHION_MNIST_DATASET}/aliases/production.json`)).body)) as { version: string }).version;
  } catch (err) {
    if (!isPolyfaasError(err, 'NotFound')) throw err;
  }
  return reports.find((r) => r.version === production) ?? reports.sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt)).at(-1);
}
