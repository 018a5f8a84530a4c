import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import { PREPROCESS_JOBS_PREFIX, readChunkJob } from './preprocess-chunk-job.js';
import type { ChunkSummary } from './preprocess-chunks.js';
import { runChunk } from './preprocess-chunks.js';

/** Options for {@link createPreprocessChunkFunction}. */
export interface PreprocessChunkFunctionOptions {
  /** Function name. Default `preprocess-chunk`. */
  readonly name?: string;
  /** Logical bucket of the raw images. */
  readonly bucket: string;
  /** Logical bucket of features, error records and the chunk jobs (whose writes trigger the function). Default: `bucket`. */
  readonly outputBucket?: string;
  /** Default 15 minutes, the longest Lambda allows; size chunks to take a fraction of it. */
  readonly timeoutMs?: number;
  /** Default 2048. */
  readonly memoryMb?: number;
  readonly retries?: number;
}

/**
 * One chunk of a split's preprocessing per invocation, triggered by the chunk
 * jobs the preprocess function writes under `jobs/preprocess/` when a split
 * has more than `chunkSize` images. The jobs carry the recipe, so this
 * function has no preprocess settings; the chunk that completes the set
 * writes the features manifest (see {@link runChunk}).
 *
 * @example
 * ```ts
 * const functions = [createPreprocessFunction({ bucket: 'data', input, chunkSize: 10_000 }), createPreprocessChunkFunction({ bucket: 'data' })];
 * ```
 */
export function createPreprocessChunkFunction(options: PreprocessChunkFunctionOptions): FunctionDefinition<StorageTrigger, undefined> {
  const output = options.outputBucket ?? options.bucket;
  return defineFunction({
    name: options.name ?? 'preprocess-chunk',
    trigger: { type: 'storage', bucket: output, prefix: PREPROCESS_JOBS_PREFIX, suffix: '.json' },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    memoryMb: options.memoryMb ?? 2048,
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    handler: async (event, ctx): Promise<ChunkSummary> => {
      const jobs = ctx.bucket(output);
      const job = await readChunkJob(jobs, event.key);
      return runChunk(job, { raw: ctx.bucket(options.bucket), output: jobs, signal: ctx.signal, log: ctx.log });
    },
  });
}
