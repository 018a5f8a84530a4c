import type { Bucket, FunctionDefinition, Logger, StorageTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import { adoptSavedVersion } from '../shared/adopt-saved-version.js';
import type { CheckpointState } from '../shared/checkpoint.js';
import { Checkpointer } from '../shared/checkpoint.js';
import type { ReduceOutcome } from '../shared/training-rounds.js';
import { clearRounds, reduceRound } from '../shared/training-rounds.js';
import type { BatchProgress } from '../shared/trainer.js';
import { TrainingProgressPublisher } from '../shared/training-progress.js';
import { readFeaturesManifest } from './features-manifest.js';
import type { PipelineHooks } from './hooks.js';
import type { RunResult } from './jobs.js';
import { runResultKey } from './jobs.js';
import type { RoundJob } from './round-jobs.js';
import { parseDoneKey, readRoundJob, ROUND_DONE_PREFIX, roundJobBody, roundKeys, roundPrefixes } from './round-jobs.js';
import type { SaveRunOutcome } from './save-run.js';
import { saveRunModel } from './save-run.js';
import { prepareTraining } from './training-setup.js';
import type { TrainingInstanceState } from './training-function-base.js';
import { trainingFunctionBase } from './training-function-base.js';

/** Options for {@link createTrainReduceFunction}. */
export interface TrainReduceFunctionOptions {
  bucket: string;
  /** Prefix of the model store in the bucket. Default `models/`. */
  modelsPrefix?: string;
  /** `onTrainBatch` hears once per reduced round (a round as the batch, the run's rounds as one epoch). */
  hooks?: PipelineHooks;
}

/** What one train-reduce invocation did. */
export type TrainReduceOutcome = ReduceOutcome | SaveRunOutcome | { status: 'skipped'; runId: string; reason: string };

/**
 * The reducer of data-parallel runs, triggered by every worker's done marker
 * under `jobs/train-reduce/`: once a round has all of them it averages the
 * weights into the next round's model and writes that round's jobs (see
 * {@link reduceRound}); after the last round it saves the model version as
 * the single-invocation train function does, so evaluation, promotion and
 * reports are unchanged. Every step is idempotent, so redelivered or
 * concurrent markers reduce a round once.
 */
export function createTrainReduceFunction(options: TrainReduceFunctionOptions): FunctionDefinition<StorageTrigger, TrainingInstanceState> {
  return defineFunction({
    name: 'train-reduce',
    ...trainingFunctionBase(options.bucket, ROUND_DONE_PREFIX),
    timeoutMs: 5 * 60_000,
    handler: async (event, ctx): Promise<TrainReduceOutcome> => {
      const bucket = ctx.bucket(options.bucket);
      const parsed = parseDoneKey(event.key);
      if (!parsed) return { status: 'skipped', runId: '', reason: `${event.key} is not a done marker` };
      const { runId, round, worker } = parsed;
      if (await bucket.exists(runResultKey(runId))) return { status: 'skipped', runId, reason: 'run already finished' };
      const keys = roundKeys(runId);
      // Every round has worker 0's first job, and it carries the run and its plan.
      const job = await readRoundJob(bucket, keys.jobKey(round, 0, 0));
      if (!job) return { status: 'skipped', runId, reason: `round ${round} has no job` };
      const log = ctx.log.child({ runId, round });
      const outcome = await reduceRound({
        bucket,
        keys,
        runId,
        plan: job.plan,
        round,
        worker,
        optimizer: job.run.config.roundOptimizer ?? 'reset',
        momentum: job.run.config.roundMomentum ?? 0,
        jobBody: (r, w) => roundJobBody(job.run, job.plan, r, w),
        log,
      });
      let progress: TrainingProgressPublisher | undefined;
      if (outcome.status === 'reduced' && outcome.written) {
        reportRound(options.hooks, runId, job.plan.rounds, outcome);
        progress = await publishRound(bucket, log, job, outcome);
      }
      if (outcome.status !== 'reduced' || !outcome.final) {
        await progress?.flush();
        return outcome;
      }
      const saved = await finishRun(bucket, job, outcome.model, ctx.state, options.modelsPrefix ?? 'models/').catch(async (err: unknown) => {
        // A concurrent reducer of the last round finished first and cleared the rounds under this one.
        if (isPolyfaasError(err, 'NotFound') && (await bucket.exists(runResultKey(runId)))) return { status: 'skipped' as const, runId, reason: 'run already finished' };
        throw err;
      });
      if (saved.status === 'finished') {
        await progress?.end('finished', saved.version);
        await clearRounds(bucket, roundPrefixes(runId));
        log.info('data-parallel training finished', { version: saved.version, rounds: job.plan.rounds, workers: job.plan.workers });
      } else {
        await progress?.flush();
      }
      return saved;
    },
  });
}

/** A reduced round as training progress: the rounds of the run are the batches of one epoch. */
function roundProgress(rounds: number, outcome: Extract<ReduceOutcome, { status: 'reduced' }>): BatchProgress {
  const record = outcome.model.history.at(-1);
  return { epoch: 0, epochs: 1, batch: outcome.round + 1, batchesPerEpoch: rounds, step: outcome.round + 1, loss: record?.loss ?? 0, accuracy: record?.accuracy ?? 0 };
}

/**
 * Publish the run's progress after a reduced round, as `train` does after its
 * batches (`runs/<run-id>/progress.json`), continuing the curves the earlier
 * rounds' reducers wrote. Returns the publisher, whose write may still be in
 * flight.
 */
async function publishRound(bucket: Bucket, log: Logger, job: RoundJob, outcome: Extract<ReduceOutcome, { status: 'reduced' }>): Promise<TrainingProgressPublisher> {
  const { run, plan } = job;
  // One step is one round: every worker's examples of it.
  const progress = await TrainingProgressPublisher.resume(bucket, log, { runId: run.runId, model: run.modelName, batchSize: plan.workers * plan.examplesPerRound });
  progress.batch(roundProgress(plan.rounds, outcome));
  return progress;
}

function reportRound(hooks: PipelineHooks | undefined, runId: string, rounds: number, outcome: Extract<ReduceOutcome, { status: 'reduced' }>): void {
  hooks?.onTrainBatch?.({ ...roundProgress(rounds, outcome), runId });
}

/** Load the last round's average into the model and save it as the run's version (adopting one a crashed try saved). */
async function finishRun(bucket: Bucket, job: RoundJob, model: CheckpointState, state: TrainingInstanceState, modelsPrefix: string): Promise<SaveRunOutcome> {
  const { run } = job;
  const store = new ModelStore(bucket, { prefix: modelsPrefix });
  const finalModel = new Checkpointer(bucket, roundKeys(run.runId).modelPrefix(job.plan.rounds));
  const adopted = await adoptSavedVersion(bucket, store, {
    modelName: run.modelName,
    runId: run.runId,
    resultKey: runResultKey(run.runId),
    record: (version): RunResult => ({ runId: run.runId, model: run.modelName, version, finishedAt: new Date().toISOString() }),
  }, finalModel);
  if (adopted) return adopted;
  const manifest = await readFeaturesManifest(bucket, run.train.key);
  if (!manifest) return { status: 'skipped', runId: run.runId, reason: `${run.train.key} is gone` };
  const setup = await prepareTraining(bucket, manifest.manifest, run.config, state.datasets);
  try {
    await finalModel.restore(setup.model, model);
    const seconds = model.history.reduce((s, h) => s + h.seconds, 0);
    const examples = Number(model.meta['examples'] ?? 0);
    return await saveRunModel({
      bucket,
      store,
      job: run,
      manifest: manifest.manifest,
      setup,
      history: model.history,
      backend: state.backend,
      // Examples over the rounds' compute time (the slowest worker's per round): the parallel throughput.
      samplesPerSecond: seconds > 0 ? Math.round(examples / seconds) : null,
    });
  } finally {
    setup.model.dispose();
  }
}
