import type { Bucket, FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction, PolyfaasError } from '../../src/index.js';
import type { LoadedModel } from '../../src/model/index.js';
import { ModelStore } from '../../src/model/index.js';
import { initBackend } from '../../src/tf/index.js';
import type { EpochRecord } from '../shared/checkpoint.js';
import type { EvaluationReport } from '../shared/report.js';
import { renderReportHtml } from '../shared/report.js';
import { finishPromotion, readStoredReport, refusalReason, writeRefusal } from '../shared/promotion-gate.js';
import { resolveBaseline } from '../shared/evaluation-baseline.js';
import type { BaselineResult } from './baselines.js';
import { predictTokens } from './predict-tokens.js';
import { scoreProbabilities } from './score.js';
import { readTextDataset, readTextRecords } from './text-dataset.js';
import type { TextFeaturesManifest } from './text-features.js';
import { loadTokenDataset, readTextFeatures } from './text-features.js';
import { createEncoder, parseTokenizer } from './tokenizer.js';

/** Options for {@link createTextEvaluateFunction}. */
export interface TextEvaluateOptions {
  bucket: string;
  modelName: string;
  modelsPrefix?: string;
  /** Alias a better candidate is promoted to. Default `production`. */
  alias?: string;
  /** Fewest test examples a candidate may be promoted on. Default 10. */
  minTestExamples?: number;
  onEvaluated?: (report: TextEvaluationReport) => void;
}

/** The stored report: the shared evaluation report plus the test features it was scored on. */
export interface TextEvaluationReport extends EvaluationReport {
  testRunId: string;
}

/** Key of a version's report (JSON or HTML). */
export function textReportKey(model: string, version: string, ext: 'json' | 'html'): string {
  return `reports/${model}/${version}.${ext}`;
}

/**
 * Scores each new candidate on its test split (accuracy, per-class
 * precision/recall/F1, confusion matrix, ROC-AUC for two classes), shows the
 * baselines fitted in the same run beside it, writes the JSON and HTML
 * reports, and promotes the candidate only if it beats production on the same
 * test texts (production is re-scored with its own tokenizer when it was
 * scored on other features). A redelivered event finds the report and stops.
 */
export function createTextEvaluateFunction(options: TextEvaluateOptions): FunctionDefinition<StorageTrigger, undefined> {
  const modelsPrefix = options.modelsPrefix ?? 'models/';
  const alias = options.alias ?? 'production';
  const minTest = options.minTestExamples ?? 10;
  const prefix = `${modelsPrefix}${options.modelName}/versions/`;
  return defineFunction({
    name: 'evaluate-text',
    trigger: { type: 'storage', bucket: options.bucket, prefix, suffix: '/manifest.json' },
    timeoutMs: 10 * 60_000,
    memoryMb: 2048,
    init: async (ctx) => {
      await initBackend({ logger: (record) => ctx.log.info('tf backend', record) });
      return undefined;
    },
    handler: async (event, ctx) => {
      const version = event.key.slice(prefix.length).split('/')[0] ?? '';
      const bucket = ctx.bucket(options.bucket);
      const store = new ModelStore(bucket, { prefix: modelsPrefix });
      const existing = await readStoredReport(bucket, textReportKey(options.modelName, version, 'json'));
      if (existing) {
        if (await finishPromotion(store, options.modelName, alias, existing)) {
          ctx.log.info('promotion finished after an interrupted evaluation', { version });
          return { status: 'skipped', reason: 'already evaluated; promotion finished' };
        }
        return { status: 'skipped', reason: 'already evaluated' };
      }
      const candidate = await store.load(options.modelName, { version });
      try {
        const meta = candidate.info.metadata as { testFeatures?: string; history?: EpochRecord[]; baselines?: BaselineResult[] } & Record<string, unknown>;
        const test = meta.testFeatures ? await readTextFeatures(bucket, meta.testFeatures) : undefined;
        const refusal = refusalReason(meta.testFeatures, test?.count, minTest);
        if (refusal !== undefined || !test) {
          const reason = refusal ?? `not evaluated: test split ${meta.testFeatures} is missing`;
          await writeRefusal(bucket, textReportKey(options.modelName, version, 'json'), { model: options.modelName, version, reason, testExamples: test?.count ?? 0, minTestExamples: minTest });
          ctx.log.warn('candidate not evaluated; the alias stays where it is', { version, reason, alias });
          return { status: 'refused', reason };
        }
        const data = await loadTokenDataset(bucket, test);
        const metrics = scoreProbabilities(await predictTokens(candidate.model, data.tokens, data.length), data.labels, data.classes);
        const baseline = await productionAccuracy(store, bucket, options.modelName, alias, version, test);
        const better = !baseline || metrics.accuracy > baseline.accuracy;
        const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
        const { history = [], baselines = [], ...training } = meta;
        const report: TextEvaluationReport = {
          model: options.modelName,
          version,
          ...(baseline ? { baseline } : {}),
          promoted: better,
          reason: !baseline
            ? 'first model: nothing in production yet'
            : `${better ? 'beats' : 'does not beat'} production ${baseline.version} (${pct(metrics.accuracy)} vs ${pct(baseline.accuracy)})`,
          metrics,
          history,
          evaluatedAt: new Date().toISOString(),
          training: { ...training, tokenizer: { level: test.tokenizer.level, vocabulary: test.tokenizer.vocab.length, sequenceLength: test.tokenizer.maxLength } },
          comparisons: baselines,
          testRunId: test.runId,
        };
        await bucket.put(textReportKey(options.modelName, version, 'html'), renderReportHtml(report), { contentType: 'text/html; charset=utf-8' });
        await bucket.put(textReportKey(options.modelName, version, 'json'), JSON.stringify(report, null, 2), { contentType: 'application/json' });
        if (better) await store.promote(options.modelName, version, alias);
        ctx.log.info('candidate evaluated', { version, accuracy: metrics.accuracy, promoted: better });
        options.onEvaluated?.(report);
        return { status: 'evaluated', promoted: better, accuracy: metrics.accuracy };
      } finally {
        candidate.model.dispose();
      }
    },
  });
}

async function productionAccuracy(
  store: ModelStore,
  bucket: Bucket,
  name: string,
  alias: string,
  candidate: string,
  test: TextFeaturesManifest,
): Promise<{ version: string; accuracy: number } | undefined> {
  const baseline = await resolveBaseline(store, bucket, { name, alias, candidate, testRunId: test.runId, reportJsonKey: (v) => textReportKey(name, v, 'json') });
  if (!baseline) return undefined;
  const current = baseline.version;
  if (baseline.accuracy !== undefined) return { version: current, accuracy: baseline.accuracy };
  const production: LoadedModel = await store.load(name, { version: current });
  try {
    // Production may have its own vocabulary: encode the same test texts with it.
    const tokenizer = parseTokenizer((production.info.metadata as { tokenizer?: unknown }).tokenizer);
    const raw = await readTextDataset(bucket, test.dataset, test.split);
    if (!raw) throw new PolyfaasError('NotFound', `the raw ${test.split} split of ${test.dataset} is gone; cannot compare with production`);
    const records = await readTextRecords(bucket, raw.manifest);
    const encode = createEncoder(tokenizer);
    const tokens = new Int32Array(records.length * tokenizer.maxLength);
    records.forEach((r, i) => encode(r.text, tokens.subarray(i * tokenizer.maxLength, (i + 1) * tokenizer.maxLength)));
    const probabilities = await predictTokens(production.model, tokens, tokenizer.maxLength);
    return { version: current, accuracy: scoreProbabilities(probabilities, Int32Array.from(records, (r) => r.label), raw.manifest.classes).accuracy };
  } finally {
    production.model.dispose();
  }
}
