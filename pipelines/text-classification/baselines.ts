import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { epochPermutation } from '../shared/permutation.js';
import { fitNaiveBayes, predictNaiveBayes } from './naive-bayes.js';
import type { TextMetrics } from './score.js';
import { scoreProbabilities } from './score.js';
import type { TokenDataset } from './text-features.js';
import { PAD_ID } from './tokenizer.js';

/** One baseline's result on the test split. */
export interface BaselineResult {
  name: string;
  metrics: TextMetrics;
  /** Fit + predict time. */
  seconds: number;
}

/** Bag-of-words inputs use the most frequent ids only (ids are by frequency), keeping the dense input small. */
const BOW_VOCAB = 5000;

/**
 * Fit the two reference models on the same train split and score them on the
 * same test split as the network: multinomial naive Bayes, and a
 * bag-of-words dense network (presence of each of the top {@link BOW_VOCAB}
 * tokens → 32 ReLU units → softmax).
 */
export async function runBaselines(train: TokenDataset, test: TokenDataset, seed: number): Promise<BaselineResult[]> {
  const t0 = Date.now();
  const nb = fitNaiveBayes(train.tokens, train.labels, train.length, train.vocabSize, train.numClasses);
  const nbResult = { name: 'naive Bayes (multinomial)', metrics: scoreProbabilities(predictNaiveBayes(nb, test.tokens, test.length), test.labels, test.classes), seconds: (Date.now() - t0) / 1000 };
  const t1 = Date.now();
  const probabilities = await bagOfWordsNet(train, test, seed);
  const bowResult = { name: 'bag-of-words dense net', metrics: scoreProbabilities(probabilities, test.labels, test.classes), seconds: (Date.now() - t1) / 1000 };
  return [nbResult, bowResult];
}

async function bagOfWordsNet(train: TokenDataset, test: TokenDataset, seed: number, epochs = 4, batchSize = 64): Promise<Float32Array> {
  const width = Math.min(BOW_VOCAB, train.vocabSize);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [width], units: 32, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dropout({ rate: 0.2, seed: seed + 1 }),
      tfl.layers.dense({ units: train.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy' });
  try {
    const rows = (data: TokenDataset, indices: ArrayLike<number>) => {
      const x = new Float32Array(indices.length * width);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        for (let p = 0; p < data.length; p++) {
          const t = data.tokens[i * data.length + p] as number;
          if (t !== PAD_ID && t < width) x[k * width + t] = 1;
        }
      }
      return x;
    };
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = epochPermutation(train.count, seed, epoch);
      for (let from = 0; from < train.count; from += batchSize) {
        const batch = order.subarray(from, Math.min(train.count, from + batchSize));
        const x = tf.tensor2d(rows(train, batch), [batch.length, width]);
        const y = tf.oneHot(tf.tensor1d(Array.from(batch, (i) => train.labels[i] as number), 'int32'), train.numClasses);
        await model.trainOnBatch(x, y);
        tf.dispose([x, y]);
      }
    }
    const all = Uint32Array.from({ length: test.count }, (_, i) => i);
    const out = tf.tidy(() => model.predict(tf.tensor2d(rows(test, all), [test.count, width])) as tf.Tensor);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  } finally {
    model.dispose();
  }
}
