import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';

/** What {@link buildTextModel} needs besides the training config. */
export interface TextModelShape {
  vocabSize: number;
  sequenceLength: number;
  numClasses: number;
}

/**
 * Embedding → GRU or LSTM (optionally bidirectional; max-pooled over the steps, or its last state), or Embedding → Conv1D →
 * global max pooling; then dropout and a softmax. Compiled with Adam and
 * categorical cross-entropy, like the image CNN, so the shared trainer drives it.
 */
export function buildTextModel(shape: TextModelShape, config: Pick<ResolvedTextTrainingConfig, 'architecture' | 'bidirectional' | 'pooling' | 'embeddingDim' | 'units' | 'dropout' | 'learningRate' | 'seed'>): tfl.LayersModel {
  const seed = config.seed;
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: shape.vocabSize, outputDim: config.embeddingDim, inputLength: shape.sequenceLength, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }));
  if (config.architecture === 'conv1d') {
    model.add(tfl.layers.conv1d({ filters: config.units, kernelSize: 5, activation: 'relu', padding: 'same', kernelInitializer: init(1) }));
    model.add(tfl.layers.globalMaxPooling1d({}));
  } else {
    // Recurrent weights not orthogonal (the Keras default): tfjs's Orthogonal initializer calls chained Tensor
    // methods (rMat.flatten) this Node setup did not install, and is slow for large matrices. Sigmoid gates, as in
    // Keras, rather than tfjs' default hardSigmoid: measured faster on WASM.
    // Max-pooled over every step rather than the last state only: the classifier sees a phrase wherever it was
    // read, and training converges in a few epochs instead of having to carry evidence across the whole text.
    const returnSequences = config.pooling === 'max';
    const rnnOptions = { units: config.units, returnSequences, recurrentActivation: 'sigmoid' as const, kernelInitializer: init(1), recurrentInitializer: init(2) };
    const layer = config.architecture === 'lstm' ? tfl.layers.lstm(rnnOptions) : tfl.layers.gru(rnnOptions);
    model.add(config.bidirectional ? tfl.layers.bidirectional({ layer: layer as unknown as Parameters<typeof tfl.layers.bidirectional>[0]['layer'], mergeMode: 'concat' }) : layer);
    if (returnSequences) model.add(tfl.layers.globalMaxPooling1d({}));
  }
  if (config.dropout > 0) model.add(tfl.layers.dropout({ rate: config.dropout, seed: seed + 3 }));
  model.add(tfl.layers.dense({ units: shape.numClasses, activation: 'softmax', kernelInitializer: init(4) }));
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
