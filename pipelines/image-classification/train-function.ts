import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import { adoptSavedVersion } from '../shared/adopt-saved-version.js';
import { Checkpointer } from '../shared/checkpoint.js';
import { readFeaturesManifest } from './features-manifest.js';
import type { PipelineHooks } from './hooks.js';
import type { RunResult } from './jobs.js';
import { checkpointPrefix, readTrainJob, runResultKey, TRAIN_JOBS_PREFIX, trainJobKey } from './jobs.js';
import { putIfAbsent } from './shards.js';
import { saveRunModel } from './save-run.js';
import { scheduleOf } from './training-config.js';
import { learningRateAt } from './learning-rate-schedule.js';
import { prepareTraining } from './training-setup.js';
import { trainWithCheckpoints } from '../shared/trainer.js';
import { TrainingProgressPublisher } from '../shared/training-progress.js';
import type { TrainingInstanceState } from './training-function-base.js';
import { trainingFunctionBase } from './training-function-base.js';

/** Options for {@link createTrainFunction}. */
export interface TrainFunctionOptions {
  bucket: string;
  /** Prefix of the model store in the bucket. Default `models/`. */
  modelsPrefix?: string;
  /** Default 15 minutes (the Lambda maximum); long runs continue in further invocations. */
  timeoutMs?: number;
  hooks?: PipelineHooks;
}

/** What one train invocation did. */
export type TrainOutcome =
  | { status: 'finished'; runId: string; version: string }
  | { status: 'continued'; runId: string; nextJob: string; step: number }
  | { status: 'skipped'; runId: string; reason: string };

/**
 * Trains the CNN for a job written under `jobs/train/`. It trains until the
 * run ends or the invocation's time runs low, checkpointing as it goes; if
 * time ran out it writes the next job, which triggers a fresh invocation that
 * resumes from the checkpoint. A finished run saves a candidate version
 * through the {@link ModelStore}, which triggers evaluation.
 *
 * Safe under at-least-once delivery: a finished run is recorded once, and
 * two invocations racing on one run cannot both advance its checkpoint.
 */
export function createTrainFunction(options: TrainFunctionOptions): FunctionDefinition<StorageTrigger, TrainingInstanceState> {
  return defineFunction({
    name: 'train',
    ...trainingFunctionBase(options.bucket, TRAIN_JOBS_PREFIX),
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    handler: async (event, ctx): Promise<TrainOutcome> => {
      const bucket = ctx.bucket(options.bucket);
      const job = await readTrainJob(bucket, event.key);
      const log = ctx.log.child({ runId: job.runId, seq: job.seq });
      if (await bucket.exists(runResultKey(job.runId))) return { status: 'skipped', runId: job.runId, reason: 'run already finished' };
      const manifest = await readFeaturesManifest(bucket, job.train.key);
      if (!manifest) return { status: 'skipped', runId: job.runId, reason: `${job.train.key} is gone` };
      const store = new ModelStore(bucket, { prefix: options.modelsPrefix ?? 'models/' });
      const adopted = await adoptSavedVersion(bucket, store, {
        modelName: job.modelName,
        runId: job.runId,
        resultKey: runResultKey(job.runId),
        record: (version): RunResult => ({ runId: job.runId, model: job.modelName, version, finishedAt: new Date().toISOString() }),
      }, new Checkpointer(bucket, checkpointPrefix(job.runId)));
      if (adopted) {
        log.info('run already saved its model; recorded the result', { outcome: adopted });
        return adopted;
      }
      const { config } = job;
      // A run continued on a warm instance keeps its training set.
      const setup = await prepareTraining(bucket, manifest.manifest, config, ctx.state.datasets);
      const { data, model } = setup;
      try {
        const checkpointer = new Checkpointer(bucket, checkpointPrefix(job.runId));
        const progress = await TrainingProgressPublisher.resume(bucket, log, { runId: job.runId, model: job.modelName, batchSize: config.batchSize });
        const started = Date.now();
        let result;
        try {
          result = await trainWithCheckpoints({
            model,
            data,
            epochs: setup.epochs,
            batchSize: config.batchSize,
            seed: config.seed,
            checkpointer,
            checkpointEverySteps: config.checkpointEverySteps,
            deadline: ctx.deadline,
            signal: ctx.signal,
            ...(config.invocationBudgetMs !== undefined ? { budgetMs: config.invocationBudgetMs } : {}),
            learningRate: (epoch) => learningRateAt(scheduleOf(config), epoch),
            meta: { runId: job.runId },
            onResume: (p) => log.info('resuming training from checkpoint', { step: p.step, epoch: p.epoch, batch: p.batch }),
            onBatch: (p) => {
              progress.batch(p);
              options.hooks?.onTrainBatch?.({ ...p, runId: job.runId });
            },
            onEpoch: (r) => {
              progress.epoch(r);
              log.info('epoch done', { epoch: r.epoch + 1, epochs: setup.epochs, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds });
              options.hooks?.onTrainEpoch?.({ ...r, runId: job.runId });
            },
          });
        } catch (err) {
          if (isPolyfaasError(err, 'PreconditionFailed')) {
            log.warn('another invocation advanced this run; stepping aside');
            await progress.flush();
            return { status: 'skipped', runId: job.runId, reason: 'superseded by a concurrent invocation' };
          }
          await progress.end('failed');
          throw err;
        }
        const seconds = (Date.now() - started) / 1000;
        if (!result.finished) {
          const nextJob = trainJobKey(job.runId, job.seq + 1);
          await progress.end('continuing');
          await putIfAbsent(bucket, nextJob, JSON.stringify({ ...job, seq: job.seq + 1 }, null, 2), { contentType: 'application/json' });
          log.info('time budget used; continuing in a new invocation', { step: result.position.step, because: result.stoppedBecause, seconds });
          return { status: 'continued', runId: job.runId, nextJob, step: result.position.step };
        }
        const outcome = await saveRunModel({
          bucket,
          store,
          job,
          manifest: manifest.manifest,
          setup,
          history: result.history,
          backend: ctx.state.backend,
          samplesPerSecond: samplesPerSecond(result.history, data.count),
        });
        if (outcome.status === 'skipped') return outcome;
        const last = result.history[result.history.length - 1];
        await checkpointer.clear();
        await progress.end('finished', outcome.version);
        log.info('training finished', { version: outcome.version, epochs: result.history.length, accuracy: last?.accuracy });
        return outcome;
      } finally {
        model.dispose();
      }
    },
  });
}

function samplesPerSecond(history: readonly { seconds: number }[], count: number): number | null {
  const seconds = history.reduce((s, h) => s + h.seconds, 0);
  return seconds > 0 ? Math.round((history.length * count) / seconds) : null;
}

