import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PolyfaasError } from '../../src/errors.js';
import type { PipelineStatus, ProgressBar } from '../../pipelines/image-classification/index.js';
import { writeOutput } from '../../bundling/output-dir.js';
import type { Io } from '../registry.js';
import { parseTrainOptions } from '../train/train-options.js';
import { printFolderPlan, printUploadSummary } from '../train/print-summary.js';
import { samplePrediction } from '../train/sample-prediction.js';
import { isTextTraining } from '../train/text-input.js';
import { untilInterrupted } from '../until-interrupted.js';

/**
 * `polyfaas train <folder>`: upload a folder of images into a local bucket,
 * run the image pipeline on the local runtime with progress bars, print the
 * report's path, and serve the promoted model until interrupted (or `--exit`).
 * Human progress goes to stderr; the outcome (report, URL, curl) to stdout.
 * Text data (a .csv/.jsonl file, a folder of .txt files, or `--text`) goes to
 * the text flow, `trainTextCommand`.
 */
export async function trainCommand(args: string[], io: Io): Promise<number> {
  if (await isTextTraining(args)) return (await import('./train-text.js')).trainTextCommand(args, io);
  const options = parseTrainOptions(args);
  const [{ createLogger }, local, pipeline, { DEFAULT_MAX_PIXELS }, { rawSplitPrefix }, { folderDatasetName, ingestFolder }, { progressHooks }, outcome] = await Promise.all([
    import('../../src/index.js'),
    import('../../adapters/local/index.js'),
    import('../../pipelines/image-classification/index.js'),
    import('../../pipelines/image-classification/image.js'),
    import('../../pipelines/image-classification/layout.js'),
    import('../../pipelines/image-classification/ingest-folder.js'),
    import('../../pipelines/image-classification/progress-hooks.js'),
    import('../../pipelines/image-classification/run-outcome.js'),
  ]);
  const dataset = folderDatasetName(options.folder, options.name);
  const dataDir = resolve(options.dataDir ?? resolve('.polyfaas', 'local', dataset));
  const input = { width: options.width, height: options.height, channels: options.channels } as const;
  // Your own photos are trusted input, and a phone's 12–24 MP pictures must not be refused for a 32×32 model:
  // the pipeline's default limit is derived from the model input, meant for untrusted uploads.
  const maxPixels = DEFAULT_MAX_PIXELS;
  local.registerSchemes();
  const app = pipeline.createImageClassificationApp({
    name: dataset,
    dataset,
    bucket: pathToFileURL(dataDir).href,
    preprocess: { input, maxPixels },
    serving: { maxPixels },
    training: {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    },
    ...(options.minTest !== undefined ? { evaluation: { minTestExamples: options.minTest } } : {}),
    hooks: progressHooks(io.err),
  });
  // Not verbose: errors only, since "no model to serve yet" at start is expected here, not a warning.
  const log = createLogger({ level: options.verbose ? 'info' : 'error', sink: (r) => io.err.write(`${JSON.stringify(r)}\n`) });

  // A folder refused before anything was uploaded leaves no empty bucket behind.
  const { server, summary } = await writeOutput(dataDir, async () => {
    const server = await local.serve(app, { port: options.port, host: options.host, log });
    try {
      const bars: Partial<Record<'check' | 'upload', ProgressBar>> = {};
      const summary = await ingestFolder(server.bucket(pipeline.PIPELINE_BUCKET), options.folder, {
        input,
        dataset,
        testRatio: options.testRatio,
        seed: options.seed,
        maxPixels,
        badImages: options.strict ? 'fail' : 'skip',
        onPlan: (plan) => printFolderPlan(plan, options, io),
        onProgress: ({ phase, done, total }) => {
          const bar = (bars[phase] ??= pipeline.createProgressBar({ total, label: phase === 'check' ? 'read images' : 'upload', stream: io.err }));
          bar.update(done);
          if (done === total) bar.finish();
        },
      });
      return { server, summary };
    } catch (err) {
      await server.close();
      throw err;
    }
  });

  try {
    printUploadSummary(summary, io);
    await server.idle();
    if (await outcome.requestTraining(server.bucket(pipeline.PIPELINE_BUCKET), dataset)) await server.idle();
    for (const letter of server.deadLetters) io.err.write(`FAILED ${letter.function}: ${letter.error.code} ${letter.error.message}\n`);
    const { report, refused } = await outcome.productionReport(server.bucket(pipeline.PIPELINE_BUCKET), dataset);
    for (const r of refused) io.err.write(`candidate ${r.version} not judged: ${r.reason} (add test images, or lower --min-test)\n`);
    if (!report) {
      const res = await fetch(`${server.url}/status`);
      const why = res.ok ? outcome.explainStatus((await res.json()) as PipelineStatus) : [];
      throw new PolyfaasError('Unavailable', ['No model was produced; see the messages above.', ...why].join('\n'));
    }
    io.out.write(
      `model ${report.model} ${report.version}: accuracy ${(report.metrics.accuracy * 100).toFixed(2)}%, macro F1 ${report.metrics.macro.f1.toFixed(3)} on ${report.metrics.count} test images\n` +
        `report: ${resolve(dataDir, pipeline.reportKey(report.model, report.version, 'html'))}\n`,
    );
  } catch (err) {
    await server.close();
    throw err;
  }
  if (options.exit) {
    await server.close();
    return 0;
  }
  const sample = await samplePrediction(server.url, server.bucket(pipeline.PIPELINE_BUCKET), rawSplitPrefix(dataset, 'test'), summary.classes);
  io.out.write(
    `serving on ${server.url}\n` +
      (sample ? `  ${sample}\n` : '') +
      `  curl -s -X POST -H 'content-type: image/png' --data-binary @some-image.png ${server.url}/predict\n` +
      `  curl -s ${server.url}/model\n(ctrl-c to stop)\n`,
  );
  await untilInterrupted(() => server.close());
  return 0;
}
