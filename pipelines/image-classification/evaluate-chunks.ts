import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { ChunkManifestState, ChunkRunKeys } from '../shared/chunked-run.js';
import { chunkItems, finishChunkRun, markCurrentRun, recordChunk, writeChunkJobs } from '../shared/chunked-run.js';
import { confusionMatrix, metricsFromConfusion } from '../shared/metrics.js';
import { finishPromotion, readStoredReport } from '../shared/promotion-gate.js';
import type { StoredReport } from '../shared/report.js';
import { stableHash } from '../shared/stable-hash.js';
import type { EvaluateChunkDone, EvaluateChunkJob, EvaluationRun } from './evaluate-chunk-job.js';
import { EVALUATE_CHUNK_DONE_FORMAT, EVALUATE_CHUNK_JOB_FORMAT, evaluateChunkDoneKey, evaluateChunkDonePrefix, evaluateChunkJobKey, evaluationCurrentRunKey } from './evaluate-chunk-job.js';
import { predictClasses } from './evaluate-model.js';
import { resolveBaseline } from '../shared/evaluation-baseline.js';
import type { FeaturesManifest } from './features-manifest.js';
import { finishEvaluation } from './finish-evaluation.js';
import type { PipelineHooks } from './hooks.js';
import { reportKey } from './jobs.js';
import { loadShardDataset } from './shard-dataset.js';
import type { ShardEntry } from './shards.js';

/** A run of consecutive shards, `[from, to)` in the manifest's order, holding `count` examples. */
export interface ShardGroup {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/**
 * Cut a test split's shards, in order, into groups of at least `chunkSize`
 * examples (the last may hold fewer): `chunkSize` rounded up to whole shards.
 * @throws `InvalidArgument` when `chunkSize` is not a positive integer.
 */
export function groupShards(shards: readonly Pick<ShardEntry, 'count'>[], chunkSize: number): ShardGroup[] {
  chunkItems(chunkSize, 1);
  const groups: ShardGroup[] = [];
  let from = 0;
  let count = 0;
  shards.forEach((shard, i) => {
    count += shard.count;
    if (count >= chunkSize || i === shards.length - 1) {
      groups.push({ from, to: i + 1, count });
      from = i + 1;
      count = 0;
    }
  });
  return groups;
}

/** Where a run's jobs, done markers and current-run pointer live. */
function runKeys(run: EvaluationRun): ChunkRunKeys {
  return {
    jobKey: (index) => evaluateChunkJobKey(run, index),
    donePrefix: evaluateChunkDonePrefix(run),
    doneKey: (index) => evaluateChunkDoneKey(run, index),
    currentRunKey: evaluationCurrentRunKey(run.model, run.version),
  };
}

/** What {@link planEvaluationChunks} cuts and where. */
export interface PlanEvaluationChunksOptions {
  readonly bucket: Bucket;
  readonly store: ModelStore;
  readonly modelName: string;
  readonly modelsPrefix: string;
  readonly alias: string;
  readonly version: string;
  readonly test: FeaturesManifest;
  /** From {@link groupShards}. */
  readonly groups: readonly ShardGroup[];
  readonly signal?: AbortSignal;
}

/**
 * Write one chunk job per group of test shards for a candidate (see
 * `writeChunkJobs` in `shared/chunked-run.ts`: a job whose chunk finished is
 * not fired again). The production model to beat is chosen here, once, so
 * every chunk scores the same one; the run id covers the candidate, the test
 * split's run, the groups and that choice.
 */
export async function planEvaluationChunks(options: PlanEvaluationChunksOptions): Promise<{ runId: string; chunks: number; jobsWritten: number }> {
  const { bucket, test, groups, version, modelName } = options;
  const baseline = await resolveBaseline(options.store, bucket, { name: modelName, alias: options.alias, candidate: version, testRunId: test.runId, reportJsonKey: (v) => reportKey(modelName, v, 'json') });
  const runId = stableHash({ version, testRunId: test.runId, groups, baseline: baseline ?? null });
  const keys = runKeys({ model: modelName, version, runId });
  await markCurrentRun(bucket, keys, runId);
  const body = (index: number): string => {
    const group = groups[index] as ShardGroup;
    const job: EvaluateChunkJob = {
      format: EVALUATE_CHUNK_JOB_FORMAT,
      model: modelName,
      modelsPrefix: options.modelsPrefix,
      alias: options.alias,
      version,
      runId,
      index,
      chunks: groups.length,
      testRunId: test.runId,
      testExamples: test.count,
      test: {
        input: test.input,
        scale: test.scale,
        ...(test.normalize ? { normalize: test.normalize } : {}),
        classes: test.classes,
        shards: test.shards.slice(group.from, group.to),
        count: group.count,
      },
      ...(baseline ? { baseline } : {}),
    };
    return JSON.stringify(job);
  };
  const jobsWritten = await writeChunkJobs(bucket, keys, groups.length, body, options.signal);
  return { runId, chunks: groups.length, jobsWritten };
}

/** Where a chunk reads and writes, and who hears of the report. */
export interface RunEvaluateChunkOptions {
  /** Bucket of the models, test shards, jobs and reports. */
  readonly bucket: Bucket;
  readonly hooks?: PipelineHooks;
  readonly log?: Logger;
}

/** What one evaluation chunk invocation did. */
export interface EvaluateChunkSummary {
  readonly mode: 'evaluate-chunk';
  readonly model: string;
  readonly version: string;
  readonly runId: string;
  readonly index: number;
  readonly chunks: number;
  readonly examples: number;
  /** False when a done marker showed the chunk had been scored (a duplicate delivery). */
  readonly scored: boolean;
  /** What became of the report: other chunks still running, written now, written before, or a newer planning took over. */
  readonly report: ChunkManifestState;
  readonly ms: number;
}

/**
 * Score one chunk: the candidate (and the baseline when the job says to
 * measure it) on the chunk's shards, recorded as additive counts in a done
 * marker written with write-if-absent; then, if every chunk's marker is there,
 * merge them in chunk order and finish the evaluation as one invocation does
 * (`finishEvaluation`), writing the JSON report only if absent so racing
 * finishers promote once. A chunk that finds the report already written
 * finishes a promotion a crash interrupted, as a redelivered evaluate event does.
 */
export async function runEvaluateChunk(job: EvaluateChunkJob, options: RunEvaluateChunkOptions): Promise<EvaluateChunkSummary> {
  const started = Date.now();
  const { bucket, log } = options;
  const store = new ModelStore(bucket, { prefix: job.modelsPrefix });
  const { part, built } = await recordChunk(bucket, evaluateChunkDoneKey(job, job.index), () => scoreChunk(job, bucket, store));
  const jsonKey = reportKey(job.model, job.version, 'json');
  let stored: StoredReport | undefined;
  const report = await finishChunkRun<EvaluateChunkDone>({
    bucket,
    keys: runKeys(job),
    runId: job.runId,
    chunks: job.chunks,
    ...(log ? { log } : {}),
    isWritten: async () => (stored = await readStoredReport(bucket, jsonKey)) !== undefined,
    isPart: (p, index) => p.format === EVALUATE_CHUNK_DONE_FORMAT && p.runId === job.runId && p.index === index,
    write: async (parts) => {
      const merged = mergeChunkScores(parts, job);
      const written = await finishEvaluation({
        bucket,
        store,
        modelName: job.model,
        version: job.version,
        alias: job.alias,
        info: await store.info(job.model, job.version),
        metrics: merged.metrics,
        ...(merged.baseline ? { baseline: merged.baseline } : {}),
        testRunId: job.testRunId,
        once: true,
        ...(options.hooks ? { hooks: options.hooks } : {}),
        ...(log ? { log } : {}),
      });
      return written !== undefined;
    },
  });
  if (report === 'up-to-date' && stored && (await finishPromotion(store, job.model, job.alias, stored))) {
    log?.info('promotion finished after an interrupted evaluation', { version: job.version });
  }
  return { mode: 'evaluate-chunk', model: job.model, version: job.version, runId: job.runId, index: job.index, chunks: job.chunks, examples: part.count, scored: built, report, ms: Date.now() - started };
}

async function scoreChunk(job: EvaluateChunkJob, bucket: Bucket, store: ModelStore): Promise<EvaluateChunkDone> {
  const data = await loadShardDataset(bucket, job.test);
  if (data.count !== job.test.count) throw new PolyfaasError('DataLoss', `Chunk ${job.index} of evaluation ${job.runId} read ${data.count} examples, its job lists ${job.test.count}`);
  const predictedBy = async (version: string): Promise<Int32Array> => {
    const loaded = await store.load(job.model, { version });
    try {
      return await predictClasses(loaded.model, data);
    } finally {
      loaded.model.dispose();
    }
  };
  const confusion = confusionMatrix(data.labels, await predictedBy(job.version), job.test.classes.length);
  const measure = job.baseline && job.baseline.accuracy === undefined ? job.baseline.version : undefined;
  const baselinePredicted = measure !== undefined ? await predictedBy(measure) : undefined;
  return {
    format: EVALUATE_CHUNK_DONE_FORMAT,
    runId: job.runId,
    index: job.index,
    count: data.count,
    confusion,
    ...(baselinePredicted ? { baselineCorrect: baselinePredicted.reduce((n, p, i) => n + (p === data.labels[i] ? 1 : 0), 0) } : {}),
  };
}

/**
 * The chunks' parts, in chunk order, as one pass over the whole test split
 * scores it: summed confusion counts give every metric, summed correct
 * counts the baseline's accuracy.
 * @throws `DataLoss` when the parts do not add up to the test split.
 */
export function mergeChunkScores(
  parts: readonly EvaluateChunkDone[],
  job: Pick<EvaluateChunkJob, 'test' | 'testExamples' | 'baseline' | 'runId'>,
): { metrics: ReturnType<typeof metricsFromConfusion>; baseline?: { version: string; accuracy: number } } {
  const k = job.test.classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let count = 0;
  let baselineCorrect = 0;
  for (const part of parts) {
    count += part.count;
    baselineCorrect += part.baselineCorrect ?? 0;
    part.confusion.forEach((row, a) => row.forEach((n, p) => ((confusion[a] as number[])[p] = (confusion[a]?.[p] ?? 0) + n)));
  }
  if (count !== job.testExamples) throw new PolyfaasError('DataLoss', `Evaluation ${job.runId} scored ${count} examples of a test split of ${job.testExamples}`);
  const metrics = metricsFromConfusion(confusion, job.test.classes);
  if (!job.baseline) return { metrics };
  // As one pass computes it: examples right over examples scored.
  const accuracy = job.baseline.accuracy ?? (count ? baselineCorrect / count : 0);
  return { metrics, baseline: { version: job.baseline.version, accuracy } };
}
