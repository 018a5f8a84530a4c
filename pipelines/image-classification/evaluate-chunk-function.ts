import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import type { BackendName } from '../../src/tf/index.js';
import { initBackend } from '../../src/tf/index.js';
import { EVALUATE_JOBS_PREFIX, readEvaluateChunkJob } from './evaluate-chunk-job.js';
import type { EvaluateChunkSummary } from './evaluate-chunks.js';
import { runEvaluateChunk } from './evaluate-chunks.js';
import type { PipelineHooks } from './hooks.js';

/** Options for {@link createEvaluateChunkFunction}. */
export interface EvaluateChunkFunctionOptions {
  /** Function name. Default `evaluate-chunk`. */
  readonly name?: string;
  /** Logical bucket of the models, test shards, chunk jobs (whose writes trigger the function) and reports. */
  readonly bucket: string;
  /** Default 15 minutes, the longest Lambda allows; size chunks to take a fraction of it. */
  readonly timeoutMs?: number;
  /** Default 2048. */
  readonly memoryMb?: number;
  readonly retries?: number;
  /** `onEvaluated` is called by the chunk that writes the report. */
  readonly hooks?: PipelineHooks;
}

/**
 * One chunk of a candidate's evaluation per invocation, triggered by the
 * chunk jobs the evaluate function writes under `jobs/evaluate/` when the
 * test split has more than `chunkSize` examples. The jobs carry the shards,
 * the model version and the baseline, so this function has no evaluation
 * settings; the chunk that completes the set writes the report and promotes
 * (see {@link runEvaluateChunk}).
 *
 * @example
 * ```ts
 * const functions = [createEvaluateFunction({ bucket: 'data', modelName, chunkSize: 2_000 }), createEvaluateChunkFunction({ bucket: 'data' })];
 * ```
 */
export function createEvaluateChunkFunction(options: EvaluateChunkFunctionOptions): FunctionDefinition<StorageTrigger, { backend: BackendName }> {
  return defineFunction({
    name: options.name ?? 'evaluate-chunk',
    trigger: { type: 'storage', bucket: options.bucket, prefix: EVALUATE_JOBS_PREFIX, suffix: '.json' },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    memoryMb: options.memoryMb ?? 2048,
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    init: async (ctx) => ({ backend: (await initBackend({ logger: (record) => ctx.log.info('tf backend', record) })).name }),
    handler: async (event, ctx): Promise<EvaluateChunkSummary> => {
      const bucket = ctx.bucket(options.bucket);
      const job = await readEvaluateChunkJob(bucket, event.key);
      return runEvaluateChunk(job, { bucket, log: ctx.log, ...(options.hooks ? { hooks: options.hooks } : {}) });
    },
  });
}
