import { PolyfaasError } from '../../src/index.js';
import { RUNS_PREFIX } from '../shared/runs.js';

/** Where raw text records, features, jobs and runs live in the pipeline's bucket. */
export const TEXT_LAYOUT = {
  raw: 'raw/',
  features: 'features/',
  /** Train jobs of the text pipeline; separate from the image pipeline's so one bucket could hold both. */
  jobs: 'jobs/train-text/',
  runs: RUNS_PREFIX,
} as const;

/** Name of the file an uploader writes last in a split's raw folder. */
export const DATASET_FILE = '_dataset.json';

/** `raw/<dataset>/<split>/`. */
export function rawSplitPrefix(dataset: string, split: string): string {
  return `${TEXT_LAYOUT.raw}${dataset}/${split}/`;
}

/** `raw/<dataset>/<split>/_dataset.json`. */
export function datasetKey(dataset: string, split: string): string {
  return `${rawSplitPrefix(dataset, split)}${DATASET_FILE}`;
}

/** `features/<dataset>/<split>/manifest.json`. */
export function featuresKey(dataset: string, split: string): string {
  return `${TEXT_LAYOUT.features}${dataset}/${split}/manifest.json`;
}

/** Key of job `seq` of a training run, zero-padded so a listing is in order. */
export function textJobKey(runId: string, seq: number): string {
  return `${TEXT_LAYOUT.jobs}${runId}/${String(seq).padStart(6, '0')}.json`;
}

/** Where a run's checkpoint lives. */
export function runCheckpointPrefix(runId: string): string {
  return `${TEXT_LAYOUT.runs}${runId}/checkpoint/`;
}

/** Where a finished run records the version it produced. */
export function runResultKey(runId: string): string {
  return `${TEXT_LAYOUT.runs}${runId}/result.json`;
}

/** Dataset and split names become key segments: keep them to a safe alphabet. @throws `InvalidArgument`. */
export function assertSegment(kind: string, value: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value)) {
    throw new PolyfaasError('InvalidArgument', `${kind} ${JSON.stringify(value)} must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
}
