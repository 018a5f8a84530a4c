import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError } from '../../src/index.js';
import { roundRateScale } from '../shared/round-rate.js';
import type { RoundShardOutcome } from '../shared/training-rounds.js';
import { trainRoundShard } from '../shared/training-rounds.js';
import { readFeaturesManifest } from './features-manifest.js';
import { runResultKey } from './jobs.js';
import { readRoundJob, ROUND_JOBS_PREFIX, roundJobBody, roundKeys } from './round-jobs.js';
import { putIfAbsent } from './shards.js';
import { prepareTraining } from './training-setup.js';
import { scheduleOf } from './training-config.js';
import { learningRateAt } from './learning-rate-schedule.js';
import type { TrainingInstanceState } from './training-function-base.js';
import { trainingFunctionBase } from './training-function-base.js';

/** Options for {@link createTrainShardFunction}. */
export interface TrainShardFunctionOptions {
  bucket: string;
  /** Default 15 minutes (the Lambda maximum); a round that needs longer continues in a new invocation. */
  timeoutMs?: number;
}

/** What one train-shard invocation did. */
export type TrainShardOutcome = (RoundShardOutcome & { runId: string }) | { status: 'skipped'; runId: string; reason: string };

/**
 * One worker's share of one round of a data-parallel run (`training.workers`
 * > 1), triggered by the round jobs under `jobs/train-round/`: it loads the
 * round's model, trains on its shard and writes its weights and done marker
 * (see {@link trainRoundShard}); out of time, it checkpoints and writes its
 * own next job. A warm instance keeps the training set between rounds.
 */
export function createTrainShardFunction(options: TrainShardFunctionOptions): FunctionDefinition<StorageTrigger, TrainingInstanceState> {
  return defineFunction({
    name: 'train-shard',
    ...trainingFunctionBase(options.bucket, ROUND_JOBS_PREFIX),
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    handler: async (event, ctx): Promise<TrainShardOutcome> => {
      const bucket = ctx.bucket(options.bucket);
      const job = await readRoundJob(bucket, event.key);
      if (!job) return { status: 'skipped', runId: '', reason: `${event.key} is gone` };
      const { run, plan, round, worker } = job;
      if (await bucket.exists(runResultKey(run.runId))) return { status: 'skipped', runId: run.runId, reason: 'run already finished' };
      const manifest = await readFeaturesManifest(bucket, run.train.key);
      if (!manifest) return { status: 'skipped', runId: run.runId, reason: `${run.train.key} is gone` };
      const keys = roundKeys(run.runId);
      const { config } = run;
      const setup = await prepareTraining(bucket, manifest.manifest, config, ctx.state.datasets);
      try {
        const outcome = await trainRoundShard({
          bucket,
          keys,
          runId: run.runId,
          plan,
          round,
          worker,
          model: setup.model,
          data: setup.data,
          seed: config.seed,
          batchSize: config.batchSize,
          // The run's schedule, scaled for K workers (the linear scaling rule, warmed up over the first rounds).
          learningRate: (epoch) => learningRateAt(scheduleOf(config), epoch) * roundRateScale(config.roundRateScale ?? 1, config.roundRateWarmup ?? 0, round),
          checkpointEverySteps: config.checkpointEverySteps,
          deadline: ctx.deadline,
          signal: ctx.signal,
          ...(config.invocationBudgetMs !== undefined ? { budgetMs: config.invocationBudgetMs } : {}),
        });
        if (outcome.status === 'continue') {
          await putIfAbsent(bucket, keys.jobKey(round, worker, job.seq + 1), roundJobBody(run, plan, round, worker, job.seq + 1), { contentType: 'application/json' });
          ctx.log.info('round not finished in this invocation; continuing in a new one', { round, worker, step: outcome.step });
        }
        return { ...outcome, runId: run.runId };
      } catch (err) {
        if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
        ctx.log.warn('another invocation advanced this worker of the round; stepping aside', { round, worker });
        return { status: 'skipped', runId: run.runId, reason: 'superseded by a concurrent invocation' };
      } finally {
        setup.model.dispose();
      }
    },
  });
}
