import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PolyfaasError } from '../../src/errors.js';
import type { ProgressBar } from '../../pipelines/image-classification/progress.js';
import type { ClassifyResponse } from '../../pipelines/text-classification/index.js';
import { writeOutput } from '../../bundling/output-dir.js';
import type { Io } from '../registry.js';
import { readTrainingTexts } from '../train/read-training-texts.js';
import { parseTextTrainOptions } from '../train/text-train-options.js';
import { untilInterrupted } from '../until-interrupted.js';

/**
 * `polyfaas train <file.csv|file.jsonl|folder-of-txt>`: the one-command flow
 * of the image pipeline for text. Reads and checks the labelled texts, uploads
 * them with the text pipeline's `uploadTexts` into a local bucket, runs the
 * text pipeline on the local runtime with a progress bar, prints the report's
 * path, and serves `POST /classify` until interrupted (or `--exit`).
 * Human progress goes to stderr; the outcome (report, URL, curl) to stdout.
 */
export async function trainTextCommand(args: string[], io: Io): Promise<number> {
  const options = parseTextTrainOptions(args);
  const [{ createLogger }, local, text, { folderDatasetName }, { createProgressBar }, outcome, { readTextDataset, readTextRecords }] = await Promise.all([
    import('../../src/index.js'),
    import('../../adapters/local/index.js'),
    import('../../pipelines/text-classification/index.js'),
    import('../../pipelines/image-classification/ingest-folder.js'),
    import('../../pipelines/image-classification/progress.js'),
    import('../../pipelines/image-classification/run-outcome.js'),
    import('../../pipelines/text-classification/text-dataset.js'),
  ]);
  // The name comes from the file without its extension (spam.csv → spam), or the folder.
  const dataset = folderDatasetName(options.input.slice(0, options.input.length - extname(options.input).length) || options.input, options.name);
  const examples = await readTrainingTexts(options);
  const dataDir = resolve(options.dataDir ?? resolve('.polyfaas', 'local', dataset));
  local.registerSchemes();
  let bar: ProgressBar | undefined;
  const app = text.createTextClassificationApp({
    name: dataset,
    dataset,
    bucket: pathToFileURL(dataDir).href,
    tokenizer: { level: options.level },
    training: {
      architecture: options.architecture,
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
    },
    ...(options.minTest !== undefined ? { evaluation: { minTestExamples: options.minTest } } : {}),
    onBatch: (p) => {
      bar ??= createProgressBar({ total: p.epochs * p.batchesPerEpoch, label: 'train', stream: io.err });
      bar.update(p.epoch * p.batchesPerEpoch + p.batch);
    },
    onEpoch: (r) => io.err.write(`\n  epoch ${r.epoch + 1}/${r.epochs}: loss ${r.loss.toFixed(4)}, train accuracy ${(r.accuracy * 100).toFixed(2)}%, ${r.seconds.toFixed(1)} s\n`),
  });
  const log = createLogger({ level: options.verbose ? 'info' : 'error', sink: (r) => io.err.write(`${JSON.stringify(r)}\n`) });

  const { server, summary } = await writeOutput(dataDir, async () => {
    const server = await local.serve(app, { port: options.port, host: options.host, log });
    try {
      return { server, summary: await text.uploadTexts(server.bucket('data'), examples, { dataset, testRatio: options.testRatio, seed: options.seed, skipUnchanged: true }) };
    } catch (err) {
      await server.close();
      throw err;
    }
  });

  const bucket = server.bucket('data');
  try {
    const how = examples.some((e) => e.split) ? 'your split' : `split here: ${Math.round(options.testRatio * 100)}% test, seed ${options.seed}`;
    io.err.write(`${summary.classes.length} labels (${summary.classes.join(', ')}); ${summary.splits.train ?? 0} train / ${summary.splits.test ?? 0} test texts (${how})\n`);
    // Same data, same bytes: nothing is written, so nothing retrains (other options need new data or a new --data-dir).
    io.err.write(summary.written ? `uploaded: ${summary.written} file(s) written; the pipeline is running\n` : 'nothing changed since the last upload\n');
    await server.idle();
    bar?.finish();
    for (const letter of server.deadLetters) io.err.write(`FAILED ${letter.function}: ${letter.error.code} ${letter.error.message}\n`);
    const { report, refused } = await outcome.productionReport(bucket, dataset);
    for (const r of refused) io.err.write(`candidate ${r.version} not judged: ${r.reason} (add test texts, or lower --min-test)\n`);
    if (!report) throw new PolyfaasError('Unavailable', 'No model was produced; see the messages above.');
    io.out.write(
      `model ${report.model} ${report.version}: accuracy ${(report.metrics.accuracy * 100).toFixed(2)}%, macro F1 ${report.metrics.macro.f1.toFixed(3)} on ${report.metrics.count} test texts\n` +
        `report: ${resolve(dataDir, text.textReportKey(report.model, report.version, 'html'))}\n`,
    );
  } catch (err) {
    await server.close();
    throw err;
  }
  if (options.exit) {
    await server.close();
    return 0;
  }
  // One held-out text sent back to the server, so the user sees the model answer before trying it.
  const test = await readTextDataset(bucket, dataset, 'test');
  const sample = test ? (await readTextRecords(bucket, test.manifest))[0] : undefined;
  let sampleLine = '';
  if (sample) {
    const res = await fetch(`${server.url}/classify`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: sample.text });
    const top = res.ok ? ((await res.json()) as ClassifyResponse).results[0] : undefined;
    sampleLine = top
      ? `  POST /classify with a test text labelled ${summary.classes[sample.label]} → ${top.label} (${(top.probability * 100).toFixed(1)}%)\n`
      : `  POST /classify answered ${res.status}\n`;
  }
  io.out.write(
    `serving on ${server.url}\n${sampleLine}` +
      `  curl -s -X POST -H 'content-type: text/plain' --data 'some text to classify' ${server.url}/classify\n` +
      `  curl -s ${server.url}/model\n(ctrl-c to stop)\n`,
  );
  await untilInterrupted(() => server.close());
  return 0;
}
