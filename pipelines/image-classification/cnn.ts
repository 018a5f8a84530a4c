import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Shape of the CNN {@link buildCnn} makes. */
export interface CnnOptions {
  /** `[height, width, channels]`. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  /** Filters of the two conv blocks. Default `[32, 64]`. */
  filters?: readonly [number, number];
  /** Units of the hidden dense layer. Default 128. */
  denseUnits?: number;
  /** Dropout before the classifier; 0 disables. Default 0.25. */
  dropout?: number;
  learningRate?: number;
  /** Seed for weight initialisation, so runs are reproducible. */
  seed?: number;
}

/**
 * The reference image classifier: conv 3x3 → maxpool → conv 3x3 → maxpool →
 * dense → softmax, compiled with Adam and sparse labels one-hot encoded by the
 * trainer. Small enough to train in a function's time limit, good enough for
 * ~0.91 on Fashion-MNIST.
 */
export function buildCnn(options: CnnOptions): tfl.LayersModel {
  const [f1, f2] = options.filters ?? [32, 64];
  const seed = options.seed ?? 42;
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [...options.inputShape], filters: f1, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: f2, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: options.denseUnits ?? 128, activation: 'relu', kernelInitializer: init(3) }),
      ...((options.dropout ?? 0.25) > 0 ? [tfl.layers.dropout({ rate: options.dropout ?? 0.25, seed: seed + 4 })] : []),
      tfl.layers.dense({ units: options.numClasses, activation: 'softmax', kernelInitializer: init(5) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? 0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
