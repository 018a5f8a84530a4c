/**
 * The Fashion-MNIST pipeline as `bench/parallel-training.ts` serves it, loaded
 * by each `serve({ workers })` process: `single` trains in one invocation at
 * a time (`training.workers` 1), `parallel` in two data-parallel workers.
 * Same CNN, epochs, batch size and seed; the bench writes the features.
 */
import { createImageClassificationApp } from '../../pipelines/image-classification/app.js';
import type { TrainingConfig } from '../../pipelines/image-classification/training-config.js';
import { FASHION_MNIST_CLASSES } from '../../examples/fashion-mnist/data/labels.js';

/** Epochs both runs train (the bench's `quick` mode trains on a subset instead of fewer epochs). */
export const EPOCHS = Number(process.env['BENCH_PARALLEL_EPOCHS'] ?? 2);
/** Examples per split in quick mode. */
const LIMIT = process.env['BENCH_PARALLEL_LIMIT'] ? Number(process.env['BENCH_PARALLEL_LIMIT']) : undefined;

function app(training: TrainingConfig) {
  return createImageClassificationApp({
    dataset: 'fashion-mnist',
    bucket: 'memory://bench',
    preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: [...FASHION_MNIST_CLASSES] },
    training: { epochs: EPOCHS, ...(LIMIT ? { limit: LIMIT } : {}), ...training },
    evaluation: { minTestExamples: 100 },
  });
}

export const single = app({});
export const parallel = app({ workers: 2, ...(process.env['BENCH_LEARNING_RATE'] ? { learningRate: Number(process.env['BENCH_LEARNING_RATE']) } : {}), ...(process.env['BENCH_ROUND_STEPS'] ? { roundSteps: Number(process.env['BENCH_ROUND_STEPS']) } : {}), ...(process.env['BENCH_RATE_SCALE'] ? { roundRateScale: Number(process.env['BENCH_RATE_SCALE']) } : {}), ...(process.env['BENCH_RATE_WARMUP'] ? { roundRateWarmup: Number(process.env['BENCH_RATE_WARMUP']) } : {}), ...(process.env['BENCH_ROUND_MOMENTUM'] ? { roundMomentum: Number(process.env['BENCH_ROUND_MOMENTUM']) } : {}), ...(process.env['BENCH_ROUND_OPTIMIZER'] ? { roundOptimizer: process.env['BENCH_ROUND_OPTIMIZER'] as 'average' | 'reset' } : {}) });
