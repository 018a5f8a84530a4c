import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ResolvedTrainingConfig } from './training-config.js';
import { RUNS_PREFIX } from '../shared/runs.js';

/** Training jobs live here; writing one triggers the train function. */
export const TRAIN_JOBS_PREFIX = 'jobs/train/';
/** Checkpoints, results and progress of training runs. */
export { RUNS_PREFIX };
/** Evaluation reports, JSON and HTML. */
export const REPORTS_PREFIX = 'reports/';

/** One unit of training work. A run that outlives an invocation continues as job `seq + 1`. */
export interface TrainJob {
  format: 'polyfaas.train-job/v1';
  runId: string;
  seq: number;
  dataset: string;
  modelName: string;
  train: { key: string; etag: string };
  test: { key: string; etag: string };
  config: ResolvedTrainingConfig;
}

/** What a finished run records: the model version it produced. */
export interface RunResult {
  runId: string;
  model: string;
  version: string;
  finishedAt: string;
}

/** Key of job `seq` of a run. Zero-padded so a listing is in order. */
export function trainJobKey(runId: string, seq: number): string {
  return `${TRAIN_JOBS_PREFIX}${runId}/${String(seq).padStart(6, '0')}.json`;
}

/** Where a run's checkpoint lives. */
export function checkpointPrefix(runId: string): string {
  return `${RUNS_PREFIX}${runId}/checkpoint/`;
}

/** Where a finished run records its result. */
export function runResultKey(runId: string): string {
  return `${RUNS_PREFIX}${runId}/result.json`;
}

/** Key of a model version's evaluation report. */
export function reportKey(model: string, version: string, ext: 'json' | 'html'): string {
  return `${REPORTS_PREFIX}${model}/${version}.${ext}`;
}

/** Key of a model version's run cost (compute time and cost per cloud of the run that produced it). */
export function runCostKey(model: string, version: string): string {
  return `${REPORTS_PREFIX}${model}/${version}.cost.json`;
}

/** Read and check a train job. @throws `InvalidArgument` for anything that is not one. */
export async function readTrainJob(bucket: Bucket, key: string): Promise<TrainJob> {
  const obj = await bucket.get(key);
  let job: Partial<TrainJob>;
  try {
    job = JSON.parse(new TextDecoder().decode(obj.body)) as Partial<TrainJob>;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
  }
  if (job.format !== 'polyfaas.train-job/v1' || typeof job.runId !== 'string' || typeof job.seq !== 'number' || !job.train || !job.test || !job.config) {
    throw new PolyfaasError('InvalidArgument', `${key} is not a polyfaas.train-job/v1 object`);
  }
  return job as TrainJob;
}

/** A JSON object, or `undefined` when the key does not exist (shared with the text pipeline). */
export { readJsonIfExists } from '../shared/read-json.js';
