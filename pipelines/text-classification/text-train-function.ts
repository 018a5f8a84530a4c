import type { FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError } from '../../src/index.js';
import type { JsonValue } from '../../src/model/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { BackendName } from '../../src/tf/index.js';
import { initBackend } from '../../src/tf/index.js';
import { adoptSavedVersion } from '../shared/adopt-saved-version.js';
import { Checkpointer } from '../shared/checkpoint.js';
import type { EpochRecord } from '../shared/checkpoint.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import { trainWithCheckpoints } from '../shared/trainer.js';
import { TrainingProgressPublisher } from '../shared/training-progress.js';
import type { BatchProgress } from '../shared/trainer.js';
import { runBaselines } from './baselines.js';
import { readTextFeatures, loadTokenDataset } from './text-features.js';
import { readTextJob } from './text-job.js';
import { runCheckpointPrefix, runResultKey, TEXT_LAYOUT, textJobKey } from './text-layout.js';
import { buildTextModel } from './text-model.js';

/** Options for {@link createTextTrainFunction}. */
export interface TextTrainFunctionOptions {
  bucket: string;
  modelsPrefix?: string;
  /** Default 15 minutes; longer runs continue in further invocations from their checkpoint. */
  timeoutMs?: number;
  /** Called after each epoch (progress bars, logs). */
  onEpoch?: (record: EpochRecord & { runId: string; epochs: number }) => void;
  /** Called after each batch (progress bars). */
  onBatch?: (progress: BatchProgress) => void;
}

/** What one train invocation did. */
export type TextTrainOutcome =
  | { status: 'finished'; runId: string; version: string }
  | { status: 'continued'; runId: string; nextJob: string; step: number }
  | { status: 'skipped'; runId: string; reason: string };

/**
 * Trains the text model for a job under `jobs/train-text/` with the shared
 * checkpointing trainer: when the invocation's time runs low it checkpoints
 * and writes the next job, which resumes. A finished run fits the baselines on
 * the same split and saves one candidate version whose (signed) manifest
 * carries the tokenizer, so serving encodes exactly as training did.
 */
export function createTextTrainFunction(options: TextTrainFunctionOptions): FunctionDefinition<StorageTrigger, { backend: BackendName }> {
  return defineFunction({
    name: 'train-text',
    trigger: { type: 'storage', bucket: options.bucket, prefix: TEXT_LAYOUT.jobs, suffix: '.json' },
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    memoryMb: 3008,
    retries: 2,
    init: async (ctx) => ({ backend: (await initBackend({ logger: (record) => ctx.log.info('tf backend', record) })).name }),
    handler: async (event, ctx): Promise<TextTrainOutcome> => {
      const bucket = ctx.bucket(options.bucket);
      const job = await readTextJob(bucket, event.key);
      const log = ctx.log.child({ runId: job.runId, seq: job.seq });
      if (await bucket.exists(runResultKey(job.runId))) return { status: 'skipped', runId: job.runId, reason: 'run already finished' };
      const [trainManifest, testManifest] = await Promise.all([readTextFeatures(bucket, job.train), readTextFeatures(bucket, job.test)]);
      if (!trainManifest || !testManifest) return { status: 'skipped', runId: job.runId, reason: 'features are gone' };
      const store = new ModelStore(bucket, { prefix: options.modelsPrefix ?? 'models/' });
      const checkpointer = new Checkpointer(bucket, runCheckpointPrefix(job.runId));
      const adopted = await adoptSavedVersion(bucket, store, {
        modelName: job.modelName,
        runId: job.runId,
        resultKey: runResultKey(job.runId),
        record: (version) => ({ runId: job.runId, version }),
      }, checkpointer);
      if (adopted) return adopted;
      const { config } = job;
      const data = await loadTokenDataset(bucket, trainManifest, config.limit);
      const model = buildTextModel({ vocabSize: data.vocabSize, sequenceLength: data.length, numClasses: data.numClasses }, config);
      // Published as the image pipeline does, so the console's Training page and anyone reading the bucket follow text runs too.
      const progress = await TrainingProgressPublisher.resume(bucket, log, { runId: job.runId, model: job.modelName, batchSize: config.batchSize });
      try {
        let result;
        try {
          result = await trainWithCheckpoints({
            model,
            data,
            epochs: config.epochs,
            batchSize: config.batchSize,
            seed: config.seed,
            checkpointer,
            checkpointEverySteps: config.checkpointEverySteps,
            deadline: ctx.deadline,
            signal: ctx.signal,
            ...(config.invocationBudgetMs !== undefined ? { budgetMs: config.invocationBudgetMs } : {}),
            learningRate: (epoch) => config.learningRate * config.learningRateDecay ** epoch,
            meta: { runId: job.runId },
            onBatch: (p) => {
              progress.batch(p);
              options.onBatch?.(p);
            },
            onResume: (p) => log.info('resuming training from checkpoint', { step: p.step, epoch: p.epoch }),
            onEpoch: (r) => {
              progress.epoch(r);
              log.info('epoch done', { epoch: r.epoch + 1, epochs: config.epochs, loss: r.loss, accuracy: r.accuracy, seconds: r.seconds });
              options.onEpoch?.({ ...r, runId: job.runId, epochs: config.epochs });
            },
          });
        } catch (err) {
          if (isPolyfaasError(err, 'PreconditionFailed')) {
            await progress.flush();
            return { status: 'skipped', runId: job.runId, reason: 'superseded by a concurrent invocation' };
          }
          await progress.end('failed');
          throw err;
        }
        if (!result.finished) {
          const nextJob = textJobKey(job.runId, job.seq + 1);
          await progress.end('continuing');
          await putIfAbsent(bucket, nextJob, JSON.stringify({ ...job, seq: job.seq + 1 }, null, 2), { contentType: 'application/json' });
          log.info('time budget used; continuing in a new invocation', { step: result.position.step, because: result.stoppedBecause });
          return { status: 'continued', runId: job.runId, nextJob, step: result.position.step };
        }
        const test = await loadTokenDataset(bucket, testManifest);
        const baselines = config.baselines ? await runBaselines(data, test, config.seed) : [];
        const last = result.history[result.history.length - 1];
        const trainSeconds = result.history.reduce((s, h) => s + h.seconds, 0);
        const saved = await store.save(job.modelName, model, {
          labels: [...data.classes],
          inputShape: [data.length],
          metrics: last ? { trainLoss: last.loss, trainAccuracy: last.accuracy } : {},
          metadata: {
            runId: job.runId,
            dataset: job.dataset,
            testFeatures: job.test,
            // The versioned tokenizer travels in the signed manifest with the weights it was trained with.
            tokenizer: trainManifest.tokenizer as unknown as JsonValue,
            examples: data.count,
            backend: ctx.state.backend,
            samplesPerSecond: trainSeconds > 0 ? Math.round((result.history.length * data.count) / trainSeconds) : null,
            history: result.history.map((h) => ({ ...h })),
            baselines: JSON.parse(JSON.stringify(baselines)) as JsonValue,
            config: { ...config },
          },
        });
        if (!(await putIfAbsent(bucket, runResultKey(job.runId), JSON.stringify({ runId: job.runId, version: saved.version }), { contentType: 'application/json' }))) {
          await store.delete(job.modelName, saved.version);
          return { status: 'skipped', runId: job.runId, reason: 'run already finished' };
        }
        await checkpointer.clear();
        await progress.end('finished', saved.version);
        log.info('training finished', { version: saved.version, accuracy: last?.accuracy });
        return { status: 'finished', runId: job.runId, version: saved.version };
      } finally {
        model.dispose();
      }
    },
  });
}

