import type { Bucket } from '../../src/index.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import { stableHash } from '../shared/stable-hash.js';
import type { TextTrainJob } from './text-job.js';
import { featuresKey, textJobKey } from './text-layout.js';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';

/** What a training plan is made of. */
export interface TextTrainingPlan {
  readonly dataset: string;
  readonly modelName: string;
  readonly training: ResolvedTextTrainingConfig;
  readonly trainSplit: string;
  readonly testSplit: string;
}

/**
 * Write job 0 of the training run over features run `featuresRunId`, once:
 * its key derives from the features and the config, so a second planner
 * (a duplicate event, the other split's last chunk) writes nothing new.
 */
export async function planTextTraining(bucket: Bucket, plan: TextTrainingPlan, featuresRunId: string): Promise<{ runId: string; created: boolean }> {
  const runId = stableHash({ features: featuresRunId, config: plan.training, model: plan.modelName });
  const job: TextTrainJob = {
    format: 'polyfaas.text-train-job/v1',
    runId,
    seq: 0,
    dataset: plan.dataset,
    modelName: plan.modelName,
    train: featuresKey(plan.dataset, plan.trainSplit),
    test: featuresKey(plan.dataset, plan.testSplit),
    config: plan.training,
  };
  const created = await putIfAbsent(bucket, textJobKey(runId, 0), JSON.stringify(job, null, 2), { contentType: 'application/json' });
  return { runId, created: created !== undefined };
}
