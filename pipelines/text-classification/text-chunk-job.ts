import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ChunkRunKeys } from '../shared/chunked-run.js';
import { chunkFileName, hasChunkPlace } from '../shared/chunked-run.js';
import type { JobFileKind } from '../shared/job-file.js';
import { readJobFile } from '../shared/job-file.js';
import type { TextDatasetManifest } from './text-dataset.js';
import { TEXT_LAYOUT } from './text-layout.js';
import type { TokenShardOutcome } from './text-split-features.js';

/** Chunk jobs of the text pipeline live here; writing one triggers the preprocess-text-chunk function. */
export const TEXT_CHUNK_JOBS_PREFIX = 'jobs/preprocess-text/';

/** Format tag of {@link TextChunkJob}. */
export const TEXT_CHUNK_JOB_FORMAT = 'polyfaas.text-preprocess-chunk/v1';
/** Format tag of {@link TextChunkDone}. */
export const TEXT_CHUNK_DONE_FORMAT = 'polyfaas.text-preprocess-chunk-done/v1';

/** One chunk of a split's encoding, self-contained: the records to read, the tokenizer fitted once for the run, the shard numbering. */
export interface TextChunkJob {
  readonly format: typeof TEXT_CHUNK_JOB_FORMAT;
  readonly dataset: string;
  readonly split: string;
  /** The features run (both splits share it). */
  readonly runId: string;
  readonly index: number;
  readonly chunks: number;
  /** Position in the split of the chunk's first record (a multiple of `perShard`). */
  readonly offset: number;
  /** Records in the chunk. */
  readonly count: number;
  readonly perShard: number;
  readonly classes: readonly string[];
  /** Key of the tokenizer fitted on the train split by the planning invocation. */
  readonly tokenizerKey: string;
  /** The split's parts holding the chunk's records; `skip` records of the first come before the chunk. */
  readonly parts: TextDatasetManifest['parts'];
  readonly skip: number;
}

/** A finished chunk's part of the split's manifest. Written once, with write-if-absent. */
export interface TextChunkDone extends TokenShardOutcome {
  readonly format: typeof TEXT_CHUNK_DONE_FORMAT;
  readonly runId: string;
  readonly index: number;
}

/** `features/<dataset>/runs/<run>/tokenizer.json`: the run's tokenizer, fitted once so every chunk encodes with the same vocabulary. */
export function runTokenizerKey(dataset: string, runId: string): string {
  return `${TEXT_LAYOUT.features}${dataset}/runs/${runId}/tokenizer.json`;
}

/** Jobs, done markers (beside the split's shards) and current-run pointer of a split's chunked run. */
export function textChunkKeys(dataset: string, split: string, runId: string): ChunkRunKeys {
  const splitPrefix = `${TEXT_LAYOUT.features}${dataset}/${split}/`;
  const donePrefix = `${splitPrefix}batches/${runId}/chunks/`;
  return {
    jobKey: (index) => `${TEXT_CHUNK_JOBS_PREFIX}${dataset}/${split}/${runId}/${chunkFileName(index)}`,
    donePrefix,
    doneKey: (index) => `${donePrefix}${chunkFileName(index)}`,
    currentRunKey: `${splitPrefix}current-run.json`,
  };
}

/** Text chunk jobs as {@link readJobFile} checks them. */
const TEXT_CHUNK_JOB_KIND: JobFileKind<TextChunkJob> = {
  format: TEXT_CHUNK_JOB_FORMAT,
  isJob: (job) =>
    hasChunkPlace(job) &&
    Array.isArray(job.parts) &&
    typeof job.tokenizerKey === 'string',
  keyOf: (job) => textChunkKeys(job.dataset, job.split, job.runId).jobKey(job.index),
};

/** Read and check a chunk job. @throws `InvalidArgument` for anything that is not one where it is, `NotFound` if it is gone. */
export async function readTextChunkJob(bucket: Bucket, key: string): Promise<TextChunkJob> {
  const job = await readJobFile(bucket, key, TEXT_CHUNK_JOB_KIND);
  if (!job) throw new PolyfaasError('NotFound', `${key} does not exist`);
  return job;
}
