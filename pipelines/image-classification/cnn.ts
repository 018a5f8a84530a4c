import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Shape of the CNN {@link buildCnn} makes. */
export interface CnnOptions {
  /** `[height, width, channels]`. */
  inputShape: readonly [number, number, number];
  numClasses: number;
  /** Filters of each conv block, one entry per block (each block ends in a 2×2 max pool). Default `[32, 64]`. */
  filters?: readonly number[];
  /** 3×3 convolutions per block. Default 1. With more than one, convs keep the size (`same` padding) except the block's last. */
  convsPerBlock?: number;
  /** Batch normalisation after every conv and the hidden dense layer (before the ReLU). Default false. */
  batchNorm?: boolean;
  /** Dropout after each block's pool; 0 disables. Default 0. */
  blockDropout?: number;
  /** Units of the hidden dense layer. Default 128. */
  denseUnits?: number;
  /** Dropout before the classifier; 0 disables. Default 0.25. */
  dropout?: number;
  learningRate?: number;
  /** Seed for weight initialisation, so runs are reproducible. */
  seed?: number;
}

/**
 * The reference image classifier: conv blocks (3x3 convs → 2x2 maxpool) →
 * dense → softmax, compiled with Adam and sparse labels one-hot encoded by the
 * trainer. The default (conv32-pool-conv64-pool-dense128) is small enough to
 * train in a function's time limit and good for ~0.91 on Fashion-MNIST;
 * batch norm, two convs per block and block dropout make the ~0.93 net.
 */
export function buildCnn(options: CnnOptions): tfl.LayersModel {
  const filters = options.filters ?? [32, 64];
  const convs = options.convsPerBlock ?? 1;
  const bn = options.batchNorm ?? false;
  const seed = options.seed ?? 42;
  let offset = 0;
  // Seeds are numbered in layer order, so the default net initialises exactly as it always did.
  const init = () => tfl.initializers.glorotUniform({ seed: seed + ++offset });
  const layers: tfl.layers.Layer[] = [];
  const first = { inputShape: [...options.inputShape] };
  const activate = (make: (activation: 'relu' | 'linear', useBias: boolean) => tfl.layers.Layer) => {
    // With batch norm the bias is redundant (BN's beta shifts) and the ReLU must follow the normalisation.
    layers.push(make(bn ? 'linear' : 'relu', !bn));
    if (bn) layers.push(tfl.layers.batchNormalization(), tfl.layers.activation({ activation: 'relu' }));
  };
  for (const f of filters) {
    for (let c = 0; c < convs; c++) {
      const padding = c < convs - 1 ? 'same' : 'valid';
      activate((activation, useBias) =>
        tfl.layers.conv2d({ ...(layers.length === 0 ? first : {}), filters: f, kernelSize: 3, padding, activation, useBias, kernelInitializer: init() }),
      );
    }
    layers.push(tfl.layers.maxPooling2d({ poolSize: 2 }));
    if ((options.blockDropout ?? 0) > 0) layers.push(tfl.layers.dropout({ rate: options.blockDropout ?? 0, seed: seed + 100 + layers.length }));
  }
  layers.push(tfl.layers.flatten());
  activate((activation, useBias) => tfl.layers.dense({ units: options.denseUnits ?? 128, activation, useBias, kernelInitializer: init() }));
  const dropout = options.dropout ?? 0.25;
  if (dropout > 0) layers.push(tfl.layers.dropout({ rate: dropout, seed: seed + ++offset }));
  else ++offset;
  layers.push(tfl.layers.dense({ units: options.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + ++offset }) }));
  const model = tfl.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? 0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
