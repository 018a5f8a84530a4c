import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import { readFeaturesManifest } from './features-manifest.js';
import type { TrainJob } from './jobs.js';
import { trainJobKey } from './jobs.js';
import { DEFAULT_LAYOUT, featuresManifestKey } from './layout.js';
import { putIfAbsent } from './shards.js';
import type { FeaturesManifest } from './features-manifest.js';
import { roundJobBody, roundKeys, runRoundPlan } from './round-jobs.js';
import type { Bucket } from '../../src/index.js';
import type { TrainingConfig } from './training-config.js';
import { resolveTrainingConfig, stableHash } from './training-config.js';

/** Options for {@link createPlanTrainingFunction}. */
export interface PlanTrainingOptions {
  bucket: string;
  dataset: string;
  modelName: string;
  trainSplit?: string;
  testSplit?: string;
  training?: TrainingConfig;
  featuresPrefix?: string;
}

/**
 * Starts a training run once both the train and the test split have features:
 * whichever manifest lands second writes job 0 of the run. The run id hashes
 * both manifests and the config, so a redelivered event — or a rerun on
 * unchanged data — plans nothing new.
 */
export function createPlanTrainingFunction(options: PlanTrainingOptions): FunctionDefinition<StorageTrigger, undefined> {
  const layout = { ...DEFAULT_LAYOUT, ...(options.featuresPrefix ? { featuresPrefix: options.featuresPrefix } : {}) };
  const trainKey = featuresManifestKey(options.dataset, options.trainSplit ?? 'train', layout);
  const testKey = featuresManifestKey(options.dataset, options.testSplit ?? 'test', layout);
  const config = resolveTrainingConfig(options.training);
  return defineFunction({
    name: 'plan-training',
    trigger: { type: 'storage', bucket: options.bucket, prefix: `${layout.featuresPrefix}${options.dataset}/`, suffix: '/manifest.json' },
    timeoutMs: 30_000,
    handler: async (event, ctx) => {
      if (event.key !== trainKey && event.key !== testKey) return { planned: false, reason: 'not a split this app trains on' };
      const bucket = ctx.bucket(options.bucket);
      const [train, test] = await Promise.all([readFeaturesManifest(bucket, trainKey), readFeaturesManifest(bucket, testKey)]);
      if (!train || !test) {
        const [have, missing] = train ? [trainKey, testKey] : [testKey, trainKey];
        ctx.log.info('waiting for the other split before training', { have, missing });
        return { planned: false, reason: 'waiting for the other split', missing };
      }
      const runId = stableHash({ train: train.manifest.runId, test: test.manifest.runId, config, model: options.modelName });
      const job: TrainJob = {
        format: 'polyfaas.train-job/v1',
        runId,
        seq: 0,
        dataset: options.dataset,
        modelName: options.modelName,
        train: { key: trainKey, etag: train.etag },
        test: { key: testKey, etag: test.etag },
        config,
      };
      if (config.workers !== undefined) {
        const created = await planRoundZero(bucket, job, train.manifest);
        ctx.log.info(created ? 'data-parallel training run planned' : 'training run already planned', { runId, examples: train.manifest.count, workers: config.workers });
        return { planned: created, runId };
      }
      const created = await putIfAbsent(bucket, trainJobKey(runId, 0), JSON.stringify(job, null, 2), { contentType: 'application/json' });
      ctx.log.info(created ? 'training run planned' : 'training run already planned', { runId, examples: train.manifest.count });
      return { planned: created !== undefined, runId };
    },
  });
}

/** A data-parallel run starts with one round-0 job per worker, each written if absent. @returns whether any was new. */
async function planRoundZero(bucket: Bucket, job: TrainJob, manifest: FeaturesManifest): Promise<boolean> {
  const { config } = job;
  const epochs = manifest.embeddings ? (config.head?.epochs ?? config.epochs) : config.epochs;
  const plan = runRoundPlan(job, Math.min(manifest.count, config.limit ?? Infinity), epochs);
  const keys = roundKeys(job.runId);
  const written = await Promise.all(
    Array.from({ length: plan.workers }, (_, worker) => putIfAbsent(bucket, keys.jobKey(0, worker, 0), roundJobBody(job, plan, 0, worker), { contentType: 'application/json' })),
  );
  return written.some((w) => w !== undefined);
}
