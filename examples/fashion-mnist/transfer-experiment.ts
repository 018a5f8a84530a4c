/**
 * Transfer learning on Fashion-MNIST, measured: a CNN trained on classes 0–4
 * becomes a frozen feature extractor for classes 5–9, where only N labelled
 * images per class exist; a small head trained on its features is compared
 * with the same CNN trained from scratch on the same N images. Both are scored
 * on every test image of classes 5–9.
 *
 * The pieces are the pipeline's own: `buildCnn`, `trainWithCheckpoints`, the
 * model store, `cutAtLayer`, `buildHead` and `composeWithHead` (what the train
 * step saves and `/predict` serves).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MemoryBucket } from 'polyfaas/memory';
import { ModelStore } from 'polyfaas/model';
import type { TrainingData } from 'polyfaas/pipelines';
import { buildCnn, buildHead, Checkpointer, composeWithHead, cutAtLayer, trainWithCheckpoints } from 'polyfaas/pipelines';
import type { IdxDataset } from './data/idx.js';

/** Budgets of one experiment; the defaults are what the README's table used. */
export interface TransferBudget {
  /** Source-task training images (classes 0–4, first ones in file order). Default 12 000. */
  sourceExamples: number;
  /** Epochs on the source task. Default 2. */
  sourceEpochs: number;
  /** Labelled images per target class. Default [20, 100]. */
  perClass: readonly number[];
  /** Epochs of the from-scratch CNN. Default 30. */
  scratchEpochs: number;
  /** Epochs of the head on the extracted features. Default 50. */
  headEpochs: number;
  /** Learning rate of the head (a linear probe tolerates a larger one than the CNN's 0.001). Default 0.01. */
  headLearningRate: number;
  /** Seeds: each draws a different N-per-class sample and initialisation. Default [1, 2, 3]. */
  seeds: readonly number[];
  batchSize: number;
}

/** The budget the README's table was measured with. */
export const DEFAULT_BUDGET: TransferBudget = {
  sourceExamples: 12_000,
  sourceEpochs: 2,
  perClass: [20, 100],
  scratchEpochs: 30,
  headEpochs: 50,
  headLearningRate: 0.01,
  seeds: [1, 2, 3],
  batchSize: 32,
};

/**
 * How the target task is learnt: a head on the penultimate layer's 128 features,
 * a head on the 1,600 flattened conv features (more generic, less specific to
 * classes 0–4), or the whole CNN from scratch.
 */
export type TransferMethod = 'transfer' | 'transfer-conv' | 'scratch';

/** One measured row: one method, one N, one seed. */
export interface TransferRow {
  method: TransferMethod;
  perClass: number;
  seed: number;
  /** Accuracy on every test image of classes 5–9. */
  accuracy: number;
  /** Training wall time, s (for transfer: feature extraction of the N-per-class images + head training). */
  trainSeconds: number;
}

/** Everything one run measured. */
export interface TransferResult {
  source: { examples: number; epochs: number; seconds: number; accuracy: number };
  testExamples: number;
  rows: TransferRow[];
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const SOURCE_CLASSES = [0, 1, 2, 3, 4];
const TARGET_CLASSES = [5, 6, 7, 8, 9];

/** Images of some classes, labels renumbered 0..k-1, pixels as [0,1] floats. */
interface Subset {
  x: Float32Array;
  y: Int32Array;
  count: number;
}

function subset(data: IdxDataset, classes: readonly number[], pick: (indexInFile: number, label: number) => boolean = () => true): Subset {
  const indices: number[] = [];
  for (let i = 0; i < data.count; i++) if (classes.includes(data.labels[i] as number) && pick(i, data.labels[i] as number)) indices.push(i);
  const x = new Float32Array(indices.length * PIXELS);
  const y = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = (data.images[i * PIXELS + p] as number) / 255;
    y[k] = classes.indexOf(data.labels[i] as number);
  });
  return { x, y, count: indices.length };
}

/** The first `limit` images of `classes`, in file order. */
function firstOf(data: IdxDataset, classes: readonly number[], limit: number): Subset {
  let taken = 0;
  return subset(data, classes, () => taken++ < limit);
}

/** `perClass` images of each class, drawn with a seeded shuffle. */
function sample(data: IdxDataset, classes: readonly number[], perClass: number, seed: number): Subset {
  const byClass = new Map<number, number[]>(classes.map((c) => [c, []]));
  for (let i = 0; i < data.count; i++) byClass.get(data.labels[i] as number)?.push(i);
  const chosen = new Set<number>();
  let state = seed * 2654435761;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const list of byClass.values()) {
    for (let k = list.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [list[k], list[j]] = [list[j] as number, list[k] as number];
    }
    for (const i of list.slice(0, perClass)) chosen.add(i);
  }
  return subset(data, classes, (i) => chosen.has(i));
}

function asTrainingData(set: Subset, inputShape: number[], numClasses: number, width: number): TrainingData {
  return {
    count: set.count,
    inputShape,
    numClasses,
    gather(indices, xs, ys) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        xs.set(set.x.subarray(i * width, (i + 1) * width), k * width);
        ys[k] = set.y[i] as number;
      }
    },
  };
}

/** Train with the pipeline's resumable trainer (checkpoints into memory, as the train step does into the bucket). */
async function train(model: tfl.LayersModel, data: TrainingData, epochs: number, batchSize: number, seed: number): Promise<number> {
  const started = performance.now();
  const result = await trainWithCheckpoints({
    model,
    data,
    epochs,
    batchSize,
    seed,
    checkpointer: new Checkpointer(new MemoryBucket(), 'ckpt/'),
    checkpointEverySteps: 1_000_000,
  });
  if (!result.finished) throw new Error('training stopped early');
  return (performance.now() - started) / 1000;
}

/** Row-wise outputs of `model` over `x`, 500 examples at a time. */
async function predictRows(model: tfl.LayersModel, x: Float32Array, count: number, shape: number[]): Promise<Float32Array> {
  const width = shape.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  for (let from = 0; from < count; from += 500) {
    const n = Math.min(500, count - from);
    const out = tf.tidy(() => model.predict(tf.tensor(x.subarray(from * width, (from + n) * width), [n, ...shape])) as tf.Tensor);
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

async function accuracy(model: tfl.LayersModel, set: Subset): Promise<number> {
  const probs = await predictRows(model, set.x, set.count, [SIDE, SIDE, 1]);
  const k = probs.length / set.count;
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    if (best === set.y[i]) correct++;
  }
  return correct / set.count;
}

/**
 * Run the whole experiment. `onLine` receives progress lines.
 *
 * @example
 * ```ts
 * const result = await runTransferExperiment(await loadFashionMnist(), DEFAULT_BUDGET, console.log);
 * ```
 */
export async function runTransferExperiment(data: { train: IdxDataset; test: IdxDataset }, budget: TransferBudget, onLine: (line: string) => void = () => {}): Promise<TransferResult> {
  const cnn = (numClasses: number, seed: number) => buildCnn({ inputShape: [SIDE, SIDE, 1], numClasses, seed });

  // 1. The source network, stored and loaded like any pipeline model.
  const sourceData = firstOf(data.train, SOURCE_CLASSES, budget.sourceExamples);
  const sourceTest = subset(data.test, SOURCE_CLASSES);
  onLine(`source: training the CNN on ${sourceData.count} images of classes 0-4 for ${budget.sourceEpochs} epochs`);
  const trained = cnn(5, 100);
  const sourceSeconds = await train(trained, asTrainingData(sourceData, [SIDE, SIDE, 1], 5, PIXELS), budget.sourceEpochs, 64, 100);
  const sourceAccuracy = await accuracy(trained, sourceTest);
  onLine(`source: ${(100 * sourceAccuracy).toFixed(1)}% on ${sourceTest.count} test images of classes 0-4 after ${sourceSeconds.toFixed(1)} s`);
  const store = new ModelStore(new MemoryBucket(), { signing: false });
  const { version } = await store.save('source', trained);
  trained.dispose();
  const { model: source } = await store.load('source', { version });
  const extractors = [
    { method: 'transfer' as const, cut: cutAtLayer(source) },
    { method: 'transfer-conv' as const, cut: cutAtLayer(source, source.layers.find((l) => l.getClassName() === 'Flatten')?.name) },
  ];

  const target = subset(data.test, TARGET_CLASSES);
  const rows: TransferRow[] = [];
  for (const perClass of budget.perClass) {
    for (const seed of budget.seeds) {
      const labelled = sample(data.train, TARGET_CLASSES, perClass, seed);

      for (const { method, cut } of extractors) {
        const started = performance.now();
        const features = await predictRows(cut.model, labelled.x, labelled.count, [SIDE, SIDE, 1]);
        const headOptions = { inputDim: cut.dim, numClasses: 5, learningRate: budget.headLearningRate, seed };
        const head = buildHead(headOptions);
        await train(head, asTrainingData({ x: features, y: labelled.y, count: labelled.count }, [cut.dim], 5, cut.dim), budget.headEpochs, budget.batchSize, seed);
        const seconds = (performance.now() - started) / 1000;
        // Scored as served: extractor and head composed into one model taking images.
        const composed = composeWithHead(cut.model, head, headOptions);
        rows.push({ method, perClass, seed, accuracy: await accuracy(composed, target), trainSeconds: seconds });
        for (const layer of composed.layers) if (layer.name.startsWith('head_')) layer.dispose();
        head.dispose();
      }

      const scratch = cnn(5, seed);
      const scratchSeconds = await train(scratch, asTrainingData(labelled, [SIDE, SIDE, 1], 5, PIXELS), budget.scratchEpochs, budget.batchSize, seed);
      rows.push({ method: 'scratch', perClass, seed, accuracy: await accuracy(scratch, target), trainSeconds: scratchSeconds });
      scratch.dispose();
      const done = rows.slice(-3).map((r) => `${r.method} ${(100 * r.accuracy).toFixed(1)}% in ${r.trainSeconds.toFixed(1)} s`);
      onLine(`N=${perClass} seed ${seed}: ${done.join(', ')}`);
    }
  }
  source.dispose();
  return { source: { examples: sourceData.count, epochs: budget.sourceEpochs, seconds: sourceSeconds, accuracy: sourceAccuracy }, testExamples: target.count, rows };
}

/** The result as a Markdown table: mean (min–max) over seeds per method and N. */
export function transferTable(result: TransferResult, budget: TransferBudget): string {
  const fmt = (values: number[], digits: number, scale = 1) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const f = (v: number) => (v * scale).toFixed(digits);
    return values.length > 1 ? `${f(mean)} (${f(Math.min(...values))}–${f(Math.max(...values))})` : f(mean);
  };
  const lines = [
    `| labelled images per class (classes 5–9) | method | test accuracy, % (${result.testExamples} images) | training time, s |`,
    '|---|---|---|---|',
  ];
  for (const perClass of budget.perClass) {
    for (const method of ['transfer', 'transfer-conv', 'scratch'] as const) {
      const rows = result.rows.filter((r) => r.perClass === perClass && r.method === method);
      const label = {
        transfer: `frozen CNN (classes 0–4) cut at its penultimate layer (128 features) + softmax head, ${budget.headEpochs} epochs`,
        'transfer-conv': `frozen CNN (classes 0–4) cut at its flatten layer (1,600 conv features) + softmax head, ${budget.headEpochs} epochs`,
        scratch: `same CNN from scratch, ${budget.scratchEpochs} epochs`,
      }[method];
      lines.push(`| ${perClass} | ${label} | ${fmt(rows.map((r) => r.accuracy), 1, 100)} | ${fmt(rows.map((r) => r.trainSeconds), 1)} |`);
    }
  }
  return lines.join('\n');
}
