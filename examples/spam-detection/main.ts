/**
 * `npm run spam`: the spam filter end to end on the local runtime (the whole
 * SpamAssassin corpus), a summary of the candidate and both baselines, then
 * `POST /classify` serving until interrupted (or `--exit`).
 *
 * Options: `--exit`, `--keep` (reuse the data directory), `--verbose`, `--validate` (score on a
 * validation split of the training split instead of the test split, to choose settings), and overrides of the
 * defaults: `--architecture gru|lstm|conv1d`, `--bidirectional`, `--epochs N`, `--units N`, `--max-length N`, `--max-vocab N`,
 * `--embedding-dim N`, `--batch-size N`, `--learning-rate X`, `--learning-rate-decay X`, `--dropout X`, `--pooling max|max-mean|last`, `--seed N` (weights and example order).
 */
import { isPolyfaasError } from 'polyfaas';
import type { TextMetrics } from 'polyfaas/pipelines';
import { mcnemar } from './mcnemar.js';
import { runSpam } from './run.js';

const args = process.argv.slice(2);
const exit = args.includes('--exit');
const fresh = !args.includes('--keep');
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const number = (flag: string) => (value(flag) === undefined ? undefined : Number(value(flag)));
// Overrides of the defaults in app.ts, to compare architectures on the same split.
const training = {
  ...(value('--architecture') ? { architecture: value('--architecture') as 'gru' | 'lstm' | 'conv1d' } : {}),
  ...(args.includes('--bidirectional') ? { bidirectional: true } : {}),
  ...(number('--epochs') ? { epochs: number('--epochs') } : {}),
  ...(number('--units') ? { units: number('--units') } : {}),
  ...(number('--embedding-dim') ? { embeddingDim: number('--embedding-dim') } : {}),
  ...(number('--batch-size') ? { batchSize: number('--batch-size') } : {}),
  ...(number('--learning-rate') ? { learningRate: number('--learning-rate') } : {}),
  ...(number('--learning-rate-decay') ? { learningRateDecay: number('--learning-rate-decay') } : {}),
  ...(value('--dropout') !== undefined ? { dropout: number('--dropout') } : {}),
  ...(number('--seed') !== undefined ? { seed: number('--seed') } : {}),
  ...(value('--pooling') ? { pooling: value('--pooling') as 'max' | 'max-mean' | 'last' } : {}),
};
const tokenizerOverrides = {
  ...(number('--max-length') ? { maxLength: number('--max-length') } : {}),
  ...(number('--max-vocab') ? { maxVocab: number('--max-vocab') } : {}),
};
const tokenizer = Object.keys(tokenizerOverrides).length ? tokenizerOverrides : undefined;

function line(name: string, m: TextMetrics): string {
  const spam = m.perClass.find((c) => c.label === 'spam');
  return `${name.padEnd(28)} accuracy ${(m.accuracy * 100).toFixed(2)}% (${Math.round((1 - m.accuracy) * m.count)} wrong)  spam F1 ${spam?.f1.toFixed(4) ?? '—'}  ` +
    `spam P/R ${spam ? `${spam.precision.toFixed(3)}/${spam.recall.toFixed(3)}` : '—'}  ROC-AUC ${m.rocAuc?.toFixed(4) ?? '—'}`;
}

/** The pairwise comparison with the candidate: which messages only one of the two got wrong. */
function versus(model: TextMetrics, baseline: TextMetrics): string {
  if (!model.misclassified || !baseline.misclassified) return '';
  const t = mcnemar(model.misclassified, baseline.misclassified);
  return `\n${''.padEnd(29)}only the model wrong ${t.onlyFirstWrong}, only this baseline wrong ${t.onlySecondWrong}: McNemar exact p = ${t.p.toFixed(3)}`;
}

try {
  const started = Date.now();
  const run = await runSpam({ fresh, training, ...(tokenizer ? { tokenizer } : {}), verbose: args.includes('--verbose'), validate: args.includes('--validate'), port: Number(process.env['PORT'] ?? 0) }, { err: process.stderr });
  const minutes = ((Date.now() - started) / 60_000).toFixed(2);
  if (!run.report) {
    process.stderr.write(`no model was produced (${minutes} min); see the errors above\n`);
    process.exitCode = 1;
    await run.server.close();
  } else {
    const r = run.report;
    const training = r.training as { samplesPerSecond?: number; backend?: string; tokenizer?: unknown };
    process.stderr.write(
      `\nmodel ${r.version} on ${r.metrics.count} ${args.includes('--validate') ? 'validation' : 'test'} messages (${r.promoted ? 'promoted' : 'not promoted'}: ${r.reason})\n` +
        `${line(`${(r.training as { config?: { architecture?: string } }).config?.architecture ?? 'model'} (this model)`, r.metrics)}\n${(r.comparisons ?? []).map((c) => `${line(c.name, c.metrics)}  (${c.seconds?.toFixed(1)} s)${versus(r.metrics, c.metrics)}`).join('\n')}\n` +
        `training: ${training.samplesPerSecond} samples/s on ${training.backend}; tokenizer ${JSON.stringify(training.tokenizer)}\n` +
        `wall time ${minutes} min (corpus load ${run.seconds.load.toFixed(1)} s, pipeline ${run.seconds.pipeline.toFixed(1)} s)\nreport: ${run.reportHtml}\n`,
    );
    if (exit) {
      await run.server.close();
      process.stdout.write(`${JSON.stringify({ metrics: r.metrics, comparisons: r.comparisons, training: r.training, minutes: Number(minutes) })}\n`);
    } else {
      process.stderr.write(
        `\nserving on ${run.server.url}\n  curl -s -H 'content-type: text/plain' --data 'Subject: WIN a FREE prize now' ${run.server.url}/classify\n(ctrl-c to stop)\n`,
      );
      const stop = () => void run.server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  }
} catch (err) {
  process.stderr.write(`spam-detection: ${err instanceof Error ? err.message : String(err)}${isPolyfaasError(err) ? ` [${err.code}]` : ''}\n`);
  process.exitCode = 1;
}
