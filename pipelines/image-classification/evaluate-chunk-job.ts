import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { chunkFileName } from '../shared/chunked-run.js';
import type { BaselineToMeasure } from '../shared/evaluation-baseline.js';
import type { FeaturesManifest } from './features-manifest.js';
import type { JobFileKind } from '../shared/job-file.js';
import { readJobFile } from '../shared/job-file.js';

/** Evaluation chunk jobs live here; writing one triggers the evaluate-chunk function. */
export const EVALUATE_JOBS_PREFIX = 'jobs/evaluate/';
/** Done markers and current-run pointers of chunked evaluations. */
export const EVALUATIONS_PREFIX = 'evaluations/';

/** Format tag of {@link EvaluateChunkJob}. */
export const EVALUATE_CHUNK_JOB_FORMAT = 'polyfaas.evaluate-chunk/v1';
/** Format tag of {@link EvaluateChunkDone}. */
export const EVALUATE_CHUNK_DONE_FORMAT = 'polyfaas.evaluate-chunk-done/v1';

/** What a chunk needs of the test split to load its shards: the manifest with only the chunk's shards and their count. */
export type TestShards = Pick<FeaturesManifest, 'input' | 'scale' | 'normalize' | 'classes' | 'shards' | 'count'>;

/**
 * One group of a test split's shards to score a candidate on, self-contained:
 * the shards (each with its SHA-256), what turns them into model input, and
 * what the last chunk needs to judge and promote, so every chunk of a run
 * agrees even if the test split or the alias changes meanwhile.
 */
export interface EvaluateChunkJob {
  readonly format: typeof EVALUATE_CHUNK_JOB_FORMAT;
  readonly model: string;
  readonly modelsPrefix: string;
  readonly alias: string;
  readonly version: string;
  readonly runId: string;
  readonly index: number;
  /** Chunks in the run. */
  readonly chunks: number;
  /** Run id of the test split's features, recorded in the report. */
  readonly testRunId: string;
  /** Examples in the whole test split. */
  readonly testExamples: number;
  readonly test: TestShards;
  /** Production to compare with, chosen when the run was planned; chunks score it too when its accuracy is not known. */
  readonly baseline?: BaselineToMeasure;
}

/**
 * What a finished chunk left for the last one: its additive part of the
 * scores. Written once, with write-if-absent.
 */
export interface EvaluateChunkDone {
  readonly format: typeof EVALUATE_CHUNK_DONE_FORMAT;
  readonly runId: string;
  readonly index: number;
  /** Examples scored. */
  readonly count: number;
  /** The candidate's `confusion[actual][predicted]` counts on the chunk. */
  readonly confusion: number[][];
  /** Examples the baseline got right, when the job asked to measure it. */
  readonly baselineCorrect?: number;
}

/** Identifies an evaluation run: the model version and the run id. */
export type EvaluationRun = Pick<EvaluateChunkJob, 'model' | 'version' | 'runId'>;

/** Key of chunk job `index` of a run. */
export function evaluateChunkJobKey(run: EvaluationRun, index: number): string {
  return `${EVALUATE_JOBS_PREFIX}${run.model}/${run.version}/${run.runId}/${chunkFileName(index)}`;
}

/** Where a run's done markers, and nothing else, live. */
export function evaluateChunkDonePrefix(run: EvaluationRun): string {
  return `${EVALUATIONS_PREFIX}${run.model}/${run.version}/${run.runId}/`;
}

/** Key of chunk `index`'s done marker. */
export function evaluateChunkDoneKey(run: EvaluationRun, index: number): string {
  return `${evaluateChunkDonePrefix(run)}${chunkFileName(index)}`;
}

/** Key of a version's current evaluation run pointer, `{ runId }`, written by every planning. */
export function evaluationCurrentRunKey(model: string, version: string): string {
  return `${EVALUATIONS_PREFIX}${model}/${version}/current-run.json`;
}

/** Evaluation chunk jobs as {@link readJobFile} checks them: every field a chunk reads, and the index inside the run. */
const EVALUATE_CHUNK_JOB_KIND: JobFileKind<EvaluateChunkJob> = {
  format: EVALUATE_CHUNK_JOB_FORMAT,
  isJob: (job) => {
    const test = job.test;
    return (
      [job.model, job.version, job.runId, job.modelsPrefix, job.alias, job.testRunId].every((v) => typeof v === 'string') &&
      Number.isInteger(job.chunks) &&
      Number.isInteger(job.index) &&
      (job.index as number) >= 0 &&
      (job.index as number) < (job.chunks as number) &&
      Number.isInteger(job.testExamples) &&
      typeof test === 'object' &&
      test !== null &&
      Array.isArray(test.shards) &&
      Array.isArray(test.classes) &&
      test.classes.length > 0 &&
      test.classes.every((c) => typeof c === 'string') &&
      Number.isInteger(test.count)
    );
  },
  keyOf: (job) => evaluateChunkJobKey(job, job.index),
};

/** Read and check an evaluation chunk job. @throws `InvalidArgument` for anything that is not one where it is, `NotFound` if it is gone. */
export async function readEvaluateChunkJob(bucket: Bucket, key: string): Promise<EvaluateChunkJob> {
  const job = await readJobFile(bucket, key, EVALUATE_CHUNK_JOB_KIND);
  if (!job) throw new PolyfaasError('NotFound', `${key} does not exist`);
  return job;
}
