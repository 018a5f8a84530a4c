import type { Bucket, Logger } from '../../src/index.js';
import type { ModelStore, ModelVersionInfo } from '../../src/model/index.js';
import type { EpochRecord } from '../shared/checkpoint.js';
import type { ClassificationMetrics } from '../shared/metrics.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import type { EvaluationReport, StoredReport } from '../shared/report.js';
import { isEvaluated, renderReportHtml } from '../shared/report.js';
import type { PipelineHooks } from './hooks.js';
import { readJsonIfExists, reportKey } from './jobs.js';

/** What {@link finishEvaluation} judges and where it writes. */
export interface FinishEvaluationOptions {
  readonly bucket: Bucket;
  readonly store: ModelStore;
  readonly modelName: string;
  readonly version: string;
  readonly alias: string;
  /** The candidate's stored info (its training history and facts go into the report). */
  readonly info: ModelVersionInfo;
  /** The candidate's scores on the whole test split. */
  readonly metrics: ClassificationMetrics;
  /** Production's accuracy on the same split, when there is a production model to beat. */
  readonly baseline?: { readonly version: string; readonly accuracy: number };
  /** Run id of the test split's features, recorded so a later candidate can reuse this accuracy as its baseline. */
  readonly testRunId: string;
  /**
   * Write the JSON report only if there is none (chunks racing to finish the
   * same evaluation: one wins, the others promote nothing). Default false: the
   * one-invocation path overwrites, as it always has.
   */
  readonly once?: boolean;
  readonly hooks?: PipelineHooks;
  readonly log?: Logger;
}

/**
 * The end of every evaluation, however the test split was scored: judge the
 * candidate against the baseline, write the HTML and JSON reports, promote if
 * it is better, log and call `onEvaluated`.
 *
 * @returns the report, or `undefined` when `once` and another finisher's report was there first.
 */
export async function finishEvaluation(options: FinishEvaluationOptions & { readonly once: true }): Promise<EvaluationReport | undefined>;
export async function finishEvaluation(options: FinishEvaluationOptions & { readonly once?: false }): Promise<EvaluationReport>;
export async function finishEvaluation(options: FinishEvaluationOptions): Promise<EvaluationReport | undefined> {
  const { bucket, metrics, baseline, modelName, version } = options;
  const better = !baseline || metrics.accuracy > baseline.accuracy;
  const reason = !baseline
    ? 'first model: nothing in production yet'
    : better
      ? `beats production ${baseline.version} (${pct(metrics.accuracy)} vs ${pct(baseline.accuracy)})`
      : `does not beat production ${baseline.version} (${pct(metrics.accuracy)} vs ${pct(baseline.accuracy)})`;
  const meta = (options.info.metadata ?? {}) as { history?: EpochRecord[] } & Record<string, unknown>;
  const report: EvaluationReport = {
    model: modelName,
    version,
    ...(baseline ? { baseline: { version: baseline.version, accuracy: baseline.accuracy } } : {}),
    promoted: better,
    reason,
    metrics,
    history: meta.history ?? [],
    evaluatedAt: new Date().toISOString(),
    training: trainingFacts(options.info),
  };
  const htmlKey = reportKey(modelName, version, 'html');
  const jsonKey = reportKey(modelName, version, 'json');
  // The report is written before promotion so production never points at an unexplained version.
  await bucket.put(htmlKey, renderReportHtml(report), { contentType: 'text/html; charset=utf-8' });
  const json = JSON.stringify({ ...report, testRunId: options.testRunId }, null, 2);
  if (!options.once) await bucket.put(jsonKey, json, { contentType: 'application/json' });
  else if (!(await putIfAbsent(bucket, jsonKey, json, { contentType: 'application/json' }))) {
    // Lost the race: the winner wrote its HTML before its JSON, so rendering the winner's JSON last leaves the two agreeing.
    const stored = await readJsonIfExists<StoredReport>(bucket, jsonKey);
    if (stored && isEvaluated(stored)) await bucket.put(htmlKey, renderReportHtml(stored), { contentType: 'text/html; charset=utf-8' });
    return undefined;
  }
  if (better) await options.store.promote(modelName, version, options.alias);
  options.log?.info('candidate evaluated', { version, accuracy: metrics.accuracy, macroF1: metrics.macro.f1, promoted: better });
  options.hooks?.onEvaluated?.(report);
  return report;
}

function trainingFacts(info: ModelVersionInfo): Record<string, unknown> {
  const { history: _history, ...rest } = (info.metadata ?? {}) as Record<string, unknown>;
  return { ...rest, framework: info.framework, createdAt: info.createdAt };
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
