/**
 * A training process for the SIGKILL test: trains on synthetic data with a
 * file bucket, prints `STEP n` after every step, and freezes at step
 * `--freeze-at` so the parent can kill it at a known point.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { FileBucket } from '../../../adapters/local/index.js';
import { Checkpointer } from '../../shared/checkpoint.js';
import { buildCnn } from '../cnn.js';
import { syntheticImageData } from '../synthetic-data.js';
import { trainWithCheckpoints } from '../../shared/trainer.js';

const [dir, every, freezeAt] = [process.argv[2] as string, Number(process.argv[3]), Number(process.argv[4])];
await tf.setBackend('cpu');
const shape = [8, 8, 1] as const;
const model = buildCnn({ inputShape: shape, numClasses: 4, filters: [4, 8], denseUnits: 16, dropout: 0, seed: 3 });
await trainWithCheckpoints({
  model,
  data: syntheticImageData({ count: 128, inputShape: shape, numClasses: 4 }),
  epochs: 100,
  batchSize: 8,
  seed: 5,
  checkpointEverySteps: every,
  checkpointer: new Checkpointer(new FileBucket(dir), 'run/checkpoint/'),
  onBatch: (p) => {
    process.stdout.write(`STEP ${p.step}\n`);
    if (p.step === freezeAt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
