import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { EmbeddingsInfo } from './embeddings.js';
import type { ExtractorRef } from './feature-extractor.js';
import type { JobFileKind } from '../shared/job-file.js';
import { readJobFile } from '../shared/job-file.js';
import { hasChunkPlace } from '../shared/chunked-run.js';
import { featuresSplitPrefix } from './layout.js';
import type { ResolvedSettings } from './settings.js';
import type { ShardOutcome, ManifestBase } from './split-plan.js';

/** Chunk jobs live here; writing one triggers the preprocess-chunk function. */
export const PREPROCESS_JOBS_PREFIX = 'jobs/preprocess/';

/** Format tag of {@link PreprocessChunkJob}. */
export const CHUNK_JOB_FORMAT = 'polyfaas.preprocess-chunk/v1';
/** Format tag of {@link ChunkDone}. */
export const CHUNK_DONE_FORMAT = 'polyfaas.preprocess-chunk-done/v1';

/**
 * One chunk of a split's preprocessing, self-contained: the images (key +
 * the etag the plan listed), the recipe, and the manifest around the shards,
 * so a chunk needs no settings of its own and every chunk of a run agrees.
 */
export interface PreprocessChunkJob {
  readonly format: typeof CHUNK_JOB_FORMAT;
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly index: number;
  /** Chunks in the run. */
  readonly chunks: number;
  /** Position in the split of the chunk's first image (a multiple of `examplesPerShard`). */
  readonly offset: number;
  readonly settings: ResolvedSettings;
  /** Class names for shard headers. */
  readonly classes: readonly string[];
  readonly extractor?: ExtractorRef;
  readonly base: ManifestBase;
  readonly items: readonly { readonly key: string; readonly etag: string }[];
}

/** What a finished chunk left for the last one: its part of the manifest. Written once, with write-if-absent. */
export interface ChunkDone extends ShardOutcome {
  readonly format: typeof CHUNK_DONE_FORMAT;
  readonly runId: string;
  readonly index: number;
  readonly embeddings?: EmbeddingsInfo;
}

const pad = (index: number) => String(index).padStart(5, '0');

/** Key of chunk job `index` of a run. Zero-padded so a listing is in order. */
export function chunkJobKey(dataset: string, split: string, runId: string, index: number): string {
  return `${PREPROCESS_JOBS_PREFIX}${dataset}/${split}/${runId}/chunk-${pad(index)}.json`;
}

/** Where a run's done markers live: beside its shards. */
export function chunkDonePrefix(job: Pick<PreprocessChunkJob, 'dataset' | 'split' | 'runId' | 'settings'>): string {
  return `${featuresSplitPrefix(job.dataset, job.split, job.settings.layout)}batches/${job.runId}/chunks/`;
}

/**
 * Key of a split's current-run pointer, `{ runId }`: written by every planning
 * of a function with `chunkSize`, so the last chunk of a run that a newer
 * upload overtook leaves the manifest alone.
 */
export function currentRunKey(dataset: string, split: string, layout: ResolvedSettings['layout']): string {
  return `${featuresSplitPrefix(dataset, split, layout)}current-run.json`;
}

/** Key of chunk `index`'s done marker. */
export function chunkDoneKey(job: Pick<PreprocessChunkJob, 'dataset' | 'split' | 'runId' | 'settings'>, index: number): string {
  return `${chunkDonePrefix(job)}chunk-${pad(index)}.json`;
}

/** Preprocess chunk jobs as {@link readJobFile} checks them. */
const CHUNK_JOB_KIND: JobFileKind<PreprocessChunkJob> = {
  format: CHUNK_JOB_FORMAT,
  isJob: (job) =>
    hasChunkPlace(job) &&
    Array.isArray(job.items) &&
    typeof job.settings === 'object' &&
    job.settings !== null &&
    typeof job.base === 'object' &&
    job.base !== null,
  keyOf: (job) => chunkJobKey(job.dataset, job.split, job.runId, job.index),
};

/** Read and check a chunk job. @throws `InvalidArgument` for anything that is not one where it is, `NotFound` if it is gone. */
export async function readChunkJob(bucket: Bucket, key: string): Promise<PreprocessChunkJob> {
  const job = await readJobFile(bucket, key, CHUNK_JOB_KIND);
  if (!job) throw new PolyfaasError('NotFound', `${key} does not exist`);
  return job;
}
