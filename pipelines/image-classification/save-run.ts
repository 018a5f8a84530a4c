import type { Bucket } from '../../src/index.js';
import type { JsonValue, ModelStore } from '../../src/model/index.js';
import type { EpochRecord } from '../shared/checkpoint.js';
import type { FeaturesManifest } from './features-manifest.js';
import type { RunResult, TrainJob } from './jobs.js';
import { runResultKey } from './jobs.js';
import { putIfAbsent } from './shards.js';
import type { ResolvedTrainingConfig } from './training-config.js';
import type { TrainingSetup } from './training-setup.js';

/** What a trained run saves, however it was trained (one invocation at a time, or data-parallel rounds). */
export interface SaveRunOptions {
  readonly bucket: Bucket;
  readonly store: ModelStore;
  readonly job: TrainJob;
  readonly manifest: FeaturesManifest;
  /** Its model holds the trained weights. */
  readonly setup: TrainingSetup;
  readonly history: readonly EpochRecord[];
  readonly backend: string;
  readonly samplesPerSecond: number | null;
}

/** How saving ended: this call recorded the run, or another had already. */
export type SaveRunOutcome = { status: 'finished'; runId: string; version: string } | { status: 'skipped'; runId: string; reason: string };

/**
 * Save a finished run's model as a candidate version (which triggers
 * evaluation) and record the run's result with write-if-absent; of two
 * invocations finishing one run, the loser deletes its version, so a run
 * leaves one candidate.
 */
export async function saveRunModel(options: SaveRunOptions): Promise<SaveRunOutcome> {
  const { bucket, store, job, manifest, setup } = options;
  if (await bucket.exists(runResultKey(job.runId))) return { status: 'skipped', runId: job.runId, reason: 'run already finished' };
  const last = options.history[options.history.length - 1];
  const toSave = await setup.modelToSave();
  const saved = await store.save(job.modelName, toSave.model, {
    labels: [...setup.data.classes],
    inputShape: [...setup.inputShape],
    metrics: last ? { trainLoss: last.loss, trainAccuracy: last.accuracy } : {},
    metadata: {
      runId: job.runId,
      dataset: job.dataset,
      testFeatures: job.test.key,
      // Serving must turn pixels into exactly the floats training saw.
      preprocessing: { scale: manifest.scale, mean: [...(manifest.normalize?.mean ?? [])], std: [...(manifest.normalize?.std ?? [])] },
      examples: setup.data.count,
      backend: options.backend,
      samplesPerSecond: options.samplesPerSecond,
      history: options.history.map((h) => ({ ...h })),
      config: configJson(job.config),
      ...toSave.metadata,
    },
  }).finally(() => toSave.dispose());
  const record: RunResult = { runId: job.runId, model: job.modelName, version: saved.version, finishedAt: new Date().toISOString() };
  if (!(await putIfAbsent(bucket, runResultKey(job.runId), JSON.stringify(record, null, 2), { contentType: 'application/json' }))) {
    // A concurrent invocation finished the same run first; keep one candidate.
    await store.delete(job.modelName, saved.version);
    return { status: 'skipped', runId: job.runId, reason: 'run already finished' };
  }
  return { status: 'finished', runId: job.runId, version: saved.version };
}

/** The resolved config as manifest JSON (optional fields of the head dropped, not `undefined`). */
function configJson(config: ResolvedTrainingConfig): Record<string, JsonValue> {
  const { head, augment, ...rest } = config;
  return {
    ...rest,
    filters: [...rest.filters],
    ...(augment ? { augment: { ...augment } } : {}),
    ...(head ? { head: { hiddenUnits: head.hiddenUnits ?? 0, dropout: head.dropout ?? 0, ...(head.epochs !== undefined ? { epochs: head.epochs } : {}) } } : {}),
  };
}
