import type { InitContext, StorageTrigger } from '../../src/index.js';
import type { BackendName } from '../../src/tf/index.js';
import { initBackend } from '../../src/tf/index.js';
import { DatasetCache } from './training-setup.js';

/** What a training instance keeps between invocations. */
export interface TrainingInstanceState {
  backend: BackendName;
  /** The last training set this instance read: a warm instance skips re-reading it next round. */
  datasets: DatasetCache;
}

/**
 * What `train`, `train-shard` and `train-reduce` share: a storage trigger on
 * one kind of job file, the largest memory (Lambda's 3,008 MB, where it gets
 * the most vCPU for tf.js), two retries, and a tf.js backend set up once per
 * instance, logged so a slow fallback backend shows in the logs.
 */
export function trainingFunctionBase(bucket: string, jobsPrefix: string) {
  return {
    trigger: { type: 'storage', bucket, prefix: jobsPrefix, suffix: '.json' } satisfies StorageTrigger,
    memoryMb: 3008,
    retries: 2,
    init: async (ctx: InitContext): Promise<TrainingInstanceState> => {
      const info = await initBackend({ logger: (record) => ctx.log.info('tf backend', record) });
      return { backend: info.name, datasets: new DatasetCache() };
    },
  };
}
