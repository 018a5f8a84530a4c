import type { Bucket, Logger } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ChunkManifestState } from '../shared/chunked-run.js';
import { chunkItems, finishChunkRun, markCurrentRun, putIfUnchanged, recordChunk, writeChunkJobs } from '../shared/chunked-run.js';
import { readJsonIfExists } from '../shared/read-json.js';
import type { TextChunkDone, TextChunkJob } from './text-chunk-job.js';
import { TEXT_CHUNK_DONE_FORMAT, TEXT_CHUNK_JOB_FORMAT, textChunkKeys } from './text-chunk-job.js';
import type { TextDatasetManifest } from './text-dataset.js';
import { readTextRecords } from './text-dataset.js';
import { readTextFeatures, readTextFeaturesVersion } from './text-features.js';
import { featuresKey } from './text-layout.js';
import type { TextTrainingPlan } from './text-plan-training.js';
import { planTextTraining } from './text-plan-training.js';
import { countLabels, encodeTextFeaturesManifest, encodeTokenShards, textFeaturesManifest } from './text-split-features.js';
import { parseTokenizer } from './tokenizer.js';

/** One split of a features run to cut into chunk jobs. */
export interface TextChunkPlan {
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly source: TextDatasetManifest;
  readonly chunkSize: number;
  readonly perShard: number;
  readonly tokenizerKey: string;
}

/**
 * Make `runId` the split's current run and write one job per `chunkSize`
 * records (rounded up to whole shards); see {@link writeChunkJobs} for how a
 * planning again re-fires only unfinished chunks.
 */
export async function writeTextChunkJobs(bucket: Bucket, plan: TextChunkPlan, signal?: AbortSignal): Promise<{ chunks: number; jobsWritten: number }> {
  const size = chunkItems(plan.chunkSize, plan.perShard);
  const chunks = Math.max(1, Math.ceil(plan.source.count / size));
  const keys = textChunkKeys(plan.dataset, plan.split, plan.runId);
  await markCurrentRun(bucket, keys, plan.runId);
  const body = (index: number): string => {
    const offset = index * size;
    const { parts, skip } = partsCovering(plan.source.parts, offset, size);
    const job: TextChunkJob = {
      format: TEXT_CHUNK_JOB_FORMAT,
      dataset: plan.dataset,
      split: plan.split,
      runId: plan.runId,
      index,
      chunks,
      offset,
      count: Math.min(size, plan.source.count - offset),
      perShard: plan.perShard,
      classes: plan.source.classes,
      tokenizerKey: plan.tokenizerKey,
      parts,
      skip,
    };
    return JSON.stringify(job);
  };
  return { chunks, jobsWritten: await writeChunkJobs(bucket, keys, chunks, body, signal) };
}

/** The parts holding records `offset` to `offset + count`, and how many records of the first precede the chunk. */
function partsCovering(parts: TextDatasetManifest['parts'], offset: number, count: number): { parts: TextDatasetManifest['parts']; skip: number } {
  let start = 0;
  let first = -1;
  let skip = 0;
  const out: TextDatasetManifest['parts'][number][] = [];
  for (let i = 0; i < parts.length && start < offset + count; i++) {
    const part = parts[i]!;
    if (first < 0 && offset < start + part.count) {
      first = i;
      skip = offset - start;
    }
    if (first >= 0) out.push(part);
    start += part.count;
  }
  return { parts: out, skip };
}

/** What one chunk invocation did. */
export interface TextChunkSummary {
  readonly mode: 'chunk';
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly index: number;
  readonly chunks: number;
  readonly examples: number;
  /** False when a done marker showed the chunk had run. */
  readonly built: boolean;
  readonly manifest: ChunkManifestState;
  /** The training run planned once both splits' manifests are this run's. */
  readonly training?: { runId: string; created: boolean };
}

/**
 * Encode one chunk's records with the run's tokenizer into the split's shards
 * (numbered by position, so they are the one-invocation run's), record them in
 * a done marker, and if every chunk of the split is done write its manifest;
 * once both splits' manifests are this run's, plan training.
 */
export async function runTextChunk(job: TextChunkJob, bucket: Bucket, plan: TextTrainingPlan, log?: Logger): Promise<TextChunkSummary> {
  const keys = textChunkKeys(job.dataset, job.split, job.runId);
  const stored = await readJsonIfExists(bucket, job.tokenizerKey);
  if (stored === undefined) throw new PolyfaasError('DataLoss', `The tokenizer of run ${job.runId} is gone; upload the dataset again`);
  const tokenizer = parseTokenizer(stored);
  const { part, built } = await recordChunk<TextChunkDone>(bucket, keys.doneKey(job.index), async () => {
    const records = (await readTextRecords(bucket, { parts: job.parts, classes: job.classes })).slice(job.skip, job.skip + job.count);
    if (records.length !== job.count) throw new PolyfaasError('DataLoss', `Chunk ${job.index} of ${job.split} found ${records.length} of its ${job.count} records`);
    const shards = await encodeTokenShards(bucket, { dataset: job.dataset, split: job.split, runId: job.runId, perShard: job.perShard, firstShard: job.offset / job.perShard }, records, tokenizer);
    return { format: TEXT_CHUNK_DONE_FORMAT, runId: job.runId, index: job.index, shards, labelCounts: countLabels(records, job.classes.length) };
  });
  const manifestKey = featuresKey(job.dataset, job.split);
  let previousEtag: string | undefined;
  const manifest = await finishChunkRun<TextChunkDone>({
    bucket,
    keys,
    runId: job.runId,
    chunks: job.chunks,
    ...(log ? { log } : {}),
    isWritten: async () => {
      const current = await readTextFeaturesVersion(bucket, manifestKey);
      previousEtag = current?.etag;
      return current?.manifest.runId === job.runId;
    },
    isPart: (p, index) => p.format === TEXT_CHUNK_DONE_FORMAT && p.runId === job.runId && p.index === index,
    write: async (parts) => {
      const labelCounts = job.classes.map((_, c) => parts.reduce((n, p) => n + (p.labelCounts[c] ?? 0), 0));
      const features = textFeaturesManifest({ dataset: job.dataset, split: job.split, runId: job.runId, classes: job.classes, tokenizer }, { shards: parts.flatMap((p) => p.shards), labelCounts });
      const sameRun = async () => (await readTextFeatures(bucket, manifestKey))?.runId === job.runId;
      return putIfUnchanged(bucket, manifestKey, encodeTextFeaturesManifest(features), previousEtag, sameRun);
    },
  });
  const training = manifest === 'waiting' || manifest === 'superseded' ? undefined : await planIfBothReady(bucket, plan, job.runId);
  return { mode: 'chunk', dataset: job.dataset, split: job.split, runId: job.runId, index: job.index, chunks: job.chunks, examples: part.shards.reduce((n, s) => n + s.count, 0), built, manifest, ...(training ? { training } : {}) };
}

async function planIfBothReady(bucket: Bucket, plan: TextTrainingPlan, runId: string): Promise<{ runId: string; created: boolean } | undefined> {
  const [train, test] = await Promise.all([readTextFeatures(bucket, featuresKey(plan.dataset, plan.trainSplit)), readTextFeatures(bucket, featuresKey(plan.dataset, plan.testSplit))]);
  return train?.runId === runId && test?.runId === runId ? planTextTraining(bucket, plan, runId) : undefined;
}
