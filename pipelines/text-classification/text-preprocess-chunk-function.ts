import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import { readTextChunkJob, TEXT_CHUNK_JOBS_PREFIX } from './text-chunk-job.js';
import type { TextTrainingPlan } from './text-plan-training.js';
import type { TextChunkSummary } from './text-preprocess-chunks.js';
import { runTextChunk } from './text-preprocess-chunks.js';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';

/** Options for {@link createTextPreprocessChunkFunction}: the training plan the last chunk writes. */
export interface TextPreprocessChunkOptions {
  bucket: string;
  dataset: string;
  modelName: string;
  training: ResolvedTextTrainingConfig;
  trainSplit?: string;
  testSplit?: string;
  /** Default 15 minutes, the longest Lambda allows; size chunks to take a fraction of it. */
  timeoutMs?: number;
}

/**
 * One chunk of a split's encoding per invocation, triggered by the jobs
 * preprocess-text writes under `jobs/preprocess-text/` when given `chunkSize`.
 * The chunk that completes a split writes its features manifest; the one that
 * completes the second split plans training (see {@link runTextChunk}).
 */
export function createTextPreprocessChunkFunction(options: TextPreprocessChunkOptions): FunctionDefinition<StorageTrigger, undefined> {
  const plan: TextTrainingPlan = {
    dataset: options.dataset,
    modelName: options.modelName,
    training: options.training,
    trainSplit: options.trainSplit ?? 'train',
    testSplit: options.testSplit ?? 'test',
  };
  return defineFunction({
    name: 'preprocess-text-chunk',
    trigger: { type: 'storage', bucket: options.bucket, prefix: `${TEXT_CHUNK_JOBS_PREFIX}${options.dataset}/`, suffix: '.json' },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    memoryMb: 2048,
    handler: async (event, ctx): Promise<TextChunkSummary> => {
      const bucket = ctx.bucket(options.bucket);
      return runTextChunk(await readTextChunkJob(bucket, event.key), bucket, plan, ctx.log);
    },
  });
}
