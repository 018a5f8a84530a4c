import type { Bucket, FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction, PolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { BackendName } from '../../src/tf/index.js';
import { initBackend } from '../../src/tf/index.js';
import type { EpochRecord } from '../shared/checkpoint.js';
import { groupShards, planEvaluationChunks } from './evaluate-chunks.js';
import { evaluateModel } from './evaluate-model.js';
import { resolveBaseline } from '../shared/evaluation-baseline.js';
import { readFeaturesManifest } from './features-manifest.js';
import { finishEvaluation } from './finish-evaluation.js';
import type { PipelineHooks } from './hooks.js';
import { readJsonIfExists, reportKey } from './jobs.js';
import type { EvaluationReport, RefusedEvaluation, StoredReport } from '../shared/report.js';
import { finishPromotion, refusalReason, writeRefusal } from '../shared/promotion-gate.js';
import type { ShardDataset } from './shard-dataset.js';
import { loadShardDataset } from './shard-dataset.js';

/** Options for {@link createEvaluateFunction}. */
export interface EvaluateFunctionOptions {
  bucket: string;
  modelName: string;
  /** Model store prefix. Default `models/`. */
  modelsPrefix?: string;
  /** Alias a better candidate is promoted to. Default `production`. */
  alias?: string;
  /**
   * Fewest test examples a candidate may be scored on. With fewer (or no test
   * split at all) the candidate is not evaluated and never promoted; a
   * {@link RefusedEvaluation} records why. Default {@link DEFAULT_MIN_TEST_EXAMPLES}.
   */
  minTestExamples?: number;
  /**
   * Score a test split of more than this many examples (rounded up to whole
   * shards) in parallel chunks: this function writes one chunk job per group
   * of shards under `jobs/evaluate/`, each an invocation of
   * `createEvaluateChunkFunction` (which must be in the app), and the chunk
   * that completes the set writes the same report and makes the same
   * promotion decision one invocation would. Default: never, the whole split
   * is scored here.
   */
  chunkSize?: number;
  hooks?: PipelineHooks;
}

/** Default {@link EvaluateFunctionOptions.minTestExamples}: below this, accuracy says too little to promote on. */
export const DEFAULT_MIN_TEST_EXAMPLES = 10;

/** What one evaluate invocation did. */
export type EvaluateOutcome =
  | { status: 'evaluated'; report: EvaluationReport }
  | { status: 'refused'; report: RefusedEvaluation }
  | { status: 'skipped'; reason: string }
  /** The test split was cut into `chunks` evaluation chunk jobs (see {@link EvaluateFunctionOptions.chunkSize}). */
  | { status: 'chunked'; version: string; runId: string; chunks: number; jobsWritten: number };

/**
 * Scores each new candidate version on the test split it was trained for,
 * writes a JSON report and a self-contained HTML report under `reports/`, and
 * promotes the candidate only if it beats the current production model on
 * the same test set. A redelivered event finds the report and does nothing.
 * With `chunkSize`, a large test split is scored by `evaluate-chunk`
 * invocations instead, and the last of them finishes the evaluation here
 * described (`finishEvaluation()` on both paths).
 */
export function createEvaluateFunction(options: EvaluateFunctionOptions): FunctionDefinition<StorageTrigger, { backend: BackendName }> {
  const modelsPrefix = options.modelsPrefix ?? 'models/';
  const alias = options.alias ?? 'production';
  const minTestExamples = options.minTestExamples ?? DEFAULT_MIN_TEST_EXAMPLES;
  if (!(Number.isInteger(minTestExamples) && minTestExamples >= 1)) {
    throw new PolyfaasError('InvalidArgument', `minTestExamples must be an integer >= 1, got ${minTestExamples}`);
  }
  // A bad chunk size fails when the app is defined, not on the first big test split.
  if (options.chunkSize !== undefined) groupShards([], options.chunkSize);
  const manifestKey = new RegExp(`^${escapeRegExp(modelsPrefix)}${escapeRegExp(options.modelName)}/versions/([^/]+)/manifest\\.json$`);
  return defineFunction({
    name: 'evaluate',
    trigger: { type: 'storage', bucket: options.bucket, prefix: `${modelsPrefix}${options.modelName}/versions/`, suffix: '/manifest.json' },
    timeoutMs: 10 * 60_000,
    memoryMb: 2048,
    init: async (ctx) => ({ backend: (await initBackend({ logger: (record) => ctx.log.info('tf backend', record) })).name }),
    handler: async (event, ctx): Promise<EvaluateOutcome> => {
      const version = manifestKey.exec(event.key)?.[1];
      if (!version) return { status: 'skipped', reason: `${event.key} is not a version manifest of ${options.modelName}` };
      const bucket = ctx.bucket(options.bucket);
      const store = new ModelStore(bucket, { prefix: modelsPrefix });
      const existing = await readJsonIfExists<StoredReport>(bucket, reportKey(options.modelName, version, 'json'));
      if (existing) {
        if (await finishPromotion(store, options.modelName, alias, existing)) {
          ctx.log.info('promotion finished after an interrupted evaluation', { version });
          return { status: 'skipped', reason: 'already evaluated; promotion finished' };
        }
        return { status: 'skipped', reason: 'already evaluated' };
      }
      const candidate = await store.load(options.modelName, { version });
      try {
        const meta = candidate.info.metadata as { testFeatures?: string; history?: EpochRecord[] } & Record<string, unknown>;
        const test = meta.testFeatures ? await readFeaturesManifest(bucket, meta.testFeatures) : undefined;
        const count = test?.manifest.count ?? 0;
        const refusal = refusalReason(meta.testFeatures, test?.manifest.count, minTestExamples);
        if (refusal !== undefined || !test) {
          const reason = refusal ?? `not evaluated: test split ${meta.testFeatures} is missing`;
          const refused = await writeRefusal(bucket, reportKey(options.modelName, version, 'json'), { model: options.modelName, version, reason, testExamples: count, minTestExamples });
          ctx.log.warn('candidate not evaluated; the alias stays where it is', { version, reason, alias });
          return { status: 'refused', report: refused };
        }
        if (options.chunkSize !== undefined) {
          const groups = groupShards(test.manifest.shards, options.chunkSize);
          if (groups.length > 1) {
            const planned = await planEvaluationChunks({ bucket, store, modelName: options.modelName, modelsPrefix, alias, version, test: test.manifest, groups, signal: ctx.signal });
            ctx.log.info('test split cut into evaluation chunk jobs', { version, testExamples: count, ...planned });
            return { status: 'chunked', version, ...planned };
          }
        }
        ctx.log.info('evaluating candidate', { version, testExamples: count });
        const data = await loadShardDataset(bucket, test.manifest);
        const metrics = await evaluateModel(candidate.model, data);
        const baseline = await baselineAccuracy(store, options.modelName, alias, version, test.manifest.runId, bucket, data);
        const report = await finishEvaluation({
          bucket,
          store,
          modelName: options.modelName,
          version,
          alias,
          info: candidate.info,
          metrics,
          ...(baseline ? { baseline } : {}),
          testRunId: test.manifest.runId,
          ...(options.hooks ? { hooks: options.hooks } : {}),
          log: ctx.log,
        });
        return { status: 'evaluated', report };
      } finally {
        candidate.model.dispose();
      }
    },
  });
}

/** Accuracy of the current production model on the same test set: from its report when it was scored on it, else measured now. */
async function baselineAccuracy(
  store: ModelStore,
  name: string,
  alias: string,
  candidate: string,
  testRunId: string,
  bucket: Bucket,
  data: ShardDataset,
): Promise<{ version: string; accuracy: number } | undefined> {
  const baseline = await resolveBaseline(store, bucket, { name, alias, candidate, testRunId, reportJsonKey: (v) => reportKey(name, v, 'json') });
  if (!baseline) return undefined;
  if (baseline.accuracy !== undefined) return { version: baseline.version, accuracy: baseline.accuracy };
  const production = await store.load(name, { version: baseline.version });
  try {
    return { version: baseline.version, accuracy: (await evaluateModel(production.model, data)).accuracy };
  } finally {
    production.model.dispose();
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
