import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ChunkManifestState, ChunkRunKeys } from '../shared/chunked-run.js';
import { chunkItems, finishChunkRun, markCurrentRun as markRun, recordChunk, writeChunkJobs as writeJobs } from '../shared/chunked-run.js';
import type { EmbeddingsInfo } from './embeddings.js';
import { embedSplit } from './embeddings.js';
import { readFeaturesManifest, writeFeaturesManifest } from './features-manifest.js';
import { featuresManifestKey, parseRawKey } from './layout.js';
import type { ChunkDone, PreprocessChunkJob } from './preprocess-chunk-job.js';
import { CHUNK_DONE_FORMAT, CHUNK_JOB_FORMAT, chunkDoneKey, chunkDonePrefix, chunkJobKey, currentRunKey } from './preprocess-chunk-job.js';
import type { BatchItem } from './shard-builder.js';
import { buildShards, LISTED_ERRORS } from './shard-builder.js';
import type { ShardOutcome, SplitPlan } from './split-plan.js';
import { completeManifest } from './split-plan.js';

/** Images per chunk: `chunkSize` rounded up to whole shards, so chunks cut the split where the one-invocation run cuts shards. */
export function chunkImages(chunkSize: number, examplesPerShard: number): number {
  return chunkItems(chunkSize, examplesPerShard);
}

/** Where a run's jobs, done markers and current-run pointer live. */
function runKeys(run: Pick<PreprocessChunkJob, 'dataset' | 'split' | 'runId' | 'settings'>): ChunkRunKeys {
  return {
    jobKey: (index) => chunkJobKey(run.dataset, run.split, run.runId, index),
    donePrefix: chunkDonePrefix(run),
    doneKey: (index) => chunkDoneKey(run, index),
    currentRunKey: currentRunKey(run.dataset, run.split, run.settings.layout),
  };
}

/**
 * Cut a planned split into chunk jobs of `chunkSize` images (rounded up to
 * whole shards) under `jobs/preprocess/`. A job is written with write-if-absent;
 * one that already exists is written again only if its chunk has no done
 * marker, which fires it again: a chunk that died after its retries (or is
 * still running) is retried by the split's next `_dataset.json` event, and one
 * that finished is not.
 */
export async function writeChunkJobs(plan: SplitPlan, chunkSize: number, signal?: AbortSignal): Promise<{ chunks: number; jobsWritten: number }> {
  const size = chunkImages(chunkSize, plan.settings.examplesPerShard);
  const chunks = Math.ceil(plan.items.length / size);
  const body = (index: number): string => {
    const job: PreprocessChunkJob = {
      format: CHUNK_JOB_FORMAT,
      dataset: plan.dataset,
      split: plan.split,
      runId: plan.runId,
      index,
      chunks,
      offset: index * size,
      settings: plan.settings,
      classes: plan.classes,
      ...(plan.extractor ? { extractor: plan.extractor } : {}),
      base: plan.base,
      items: plan.items.slice(index * size, (index + 1) * size).map(({ key, etag }) => ({ key, etag })),
    };
    return JSON.stringify(job);
  };
  const jobsWritten = await writeJobs(plan.output, runKeys(plan), chunks, body, signal);
  return { chunks, jobsWritten };
}

/** Where a chunk reads and writes. */
export interface RunChunkOptions {
  /** Bucket of the raw images. */
  readonly raw: Bucket;
  /** Bucket of the shards, done markers and manifest (and of the jobs). */
  readonly output: Bucket;
  /** Bucket of the model store holding the extractor. Default: `output`. */
  readonly models?: Bucket;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
}

export type { ChunkManifestState } from '../shared/chunked-run.js';

/** What one chunk invocation did. */
export interface ChunkSummary {
  readonly mode: 'chunk';
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly index: number;
  readonly chunks: number;
  readonly examples: number;
  readonly errors: number;
  readonly shards: number;
  /** Shards this call created (0 when a done marker showed the chunk had run). */
  readonly shardsWritten: number;
  readonly manifest: ChunkManifestState;
  readonly ms: number;
}

/**
 * Run one chunk: build its shards (numbered by position in the split, so
 * they are the one-invocation run's shards), record them in a done marker
 * written with write-if-absent, then, if every chunk's marker is there, write
 * the features manifest. A chunk whose marker exists skips straight to that
 * check, so a duplicate delivery builds nothing and counts nothing twice.
 */
export async function runChunk(job: PreprocessChunkJob, options: RunChunkOptions): Promise<ChunkSummary> {
  const started = Date.now();
  let shardsWritten = 0;
  const { part: done } = await recordChunk(options.output, chunkDoneKey(job, job.index), async () => {
    const built = await buildChunk(job, options);
    shardsWritten = built.shardsWritten;
    return built.done;
  });
  const manifest = await finishRun(job, options);
  return {
    mode: 'chunk',
    dataset: job.dataset,
    split: job.split,
    runId: job.runId,
    index: job.index,
    chunks: job.chunks,
    examples: done.examples,
    errors: done.errorCount,
    shards: done.shards.length,
    shardsWritten,
    manifest,
    ms: Date.now() - started,
  };
}

async function buildChunk(job: PreprocessChunkJob, options: RunChunkOptions): Promise<{ done: ChunkDone; shardsWritten: number }> {
  const { settings } = job;
  const items: BatchItem[] = job.items.map(({ key, etag }) => {
    const image = parseRawKey(key, settings.layout);
    if (image?.kind !== 'image') throw new PolyfaasError('InvalidArgument', `Chunk ${job.index} lists ${key}, which is not an image of the split`);
    return { key, etag, image };
  });
  const common = { ...(options.signal ? { signal: options.signal } : {}), ...(options.log ? { log: options.log } : {}) };
  const built = await buildShards(items, { raw: options.raw, output: options.output, dataset: job.dataset, split: job.split, runId: job.runId, classes: job.classes, settings, offset: job.offset, ...common });
  const embeddings = job.extractor
    ? await embedSplit(built.shards, {
        models: options.models ?? options.output,
        output: options.output,
        extractor: job.extractor,
        inputShape: [settings.decode.height, settings.decode.width, settings.decode.channels],
        ...(settings.normalize ? { normalize: settings.normalize } : {}),
        ...common,
      })
    : undefined;
  const done: ChunkDone = {
    format: CHUNK_DONE_FORMAT,
    runId: job.runId,
    index: job.index,
    shards: built.shards,
    examples: built.examples,
    labelCounts: Array.from(built.labelCounts, (n) => n ?? 0),
    errorCount: built.errorCount,
    errorKeys: built.errorKeys,
    ...(embeddings ? { embeddings } : {}),
  };
  return { done, shardsWritten: built.shardsWritten };
}

/** The last finisher's step (see {@link finishChunkRun}): the features manifest from every chunk's part. */
async function finishRun(job: PreprocessChunkJob, options: RunChunkOptions): Promise<ChunkManifestState> {
  const { output, log } = options;
  const manifestKey = featuresManifestKey(job.dataset, job.split, job.settings.layout);
  let current: Awaited<ReturnType<typeof readFeaturesManifest>>;
  return finishChunkRun<ChunkDone>({
    bucket: output,
    keys: runKeys(job),
    runId: job.runId,
    chunks: job.chunks,
    ...(log ? { log } : {}),
    isWritten: async () => {
      current = await readFeaturesManifest(output, manifestKey);
      return current?.manifest.runId === job.runId;
    },
    isPart: (part) => part.format === CHUNK_DONE_FORMAT && part.runId === job.runId,
    write: async (parts) => {
      const manifest = completeManifest(job.base, mergeChunks(parts), mergeEmbeddings(parts));
      if (!(await writeFeaturesManifest(output, manifestKey, manifest, current?.etag))) return false;
      log?.info('features written', { manifestKey, runId: job.runId, chunks: job.chunks, examples: manifest.count, errors: manifest.errors.count, shards: manifest.shards.length });
      return true;
    },
  });
}

/** Record `runId` as the split's current run (see {@link currentRunKey}). */
export async function markCurrentRun(plan: Pick<SplitPlan, 'output' | 'dataset' | 'split' | 'runId' | 'settings'>): Promise<void> {
  await markRun(plan.output, runKeys(plan), plan.runId);
}

/** The chunks' parts, in chunk order, as one build of the whole split would have reported them. */
export function mergeChunks(parts: readonly ShardOutcome[]): ShardOutcome {
  const labelCounts: number[] = [];
  for (const part of parts) part.labelCounts.forEach((n, label) => (labelCounts[label] = (labelCounts[label] ?? 0) + (n ?? 0)));
  return {
    shards: parts.flatMap((p) => p.shards),
    examples: parts.reduce((n, p) => n + p.examples, 0),
    labelCounts: Array.from(labelCounts, (n) => n ?? 0),
    errorCount: parts.reduce((n, p) => n + p.errorCount, 0),
    errorKeys: parts.flatMap((p) => p.errorKeys).slice(0, LISTED_ERRORS),
  };
}

function mergeEmbeddings(parts: readonly ChunkDone[]): EmbeddingsInfo | undefined {
  const first = parts[0]?.embeddings;
  return first ? { ...first, shards: parts.flatMap((p) => p.embeddings?.shards ?? []) } : undefined;
}
