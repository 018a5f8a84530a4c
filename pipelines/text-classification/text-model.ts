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
 * Embedding → GRU or LSTM (optionally bidirectional; max-pooled over the steps, max- and mean-pooled side by side, or its last state), or Embedding → Conv1D →
 * global max pooling; then dropout and a softmax. Compiled with Adam and
 * categorical cross-entropy, like the image CNN, so the shared trainer drives it.
 */
export function buildTextModel(shape: TextModelShape, config: Pick<ResolvedTextTrainingConfig, 'architecture' | 'bidirectional' | 'pooling' | 'embeddingDim' | 'units' | 'dropout' | 'learningRate' | 'seed'>): tfl.LayersModel {
  const seed = config.seed;
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const embedding = tfl.layers.embedding({ inputDim: shape.vocabSize, outputDim: config.embeddingDim, inputLength: shape.sequenceLength, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) });
  const head = [
    ...(config.dropout > 0 ? [tfl.layers.dropout({ rate: config.dropout, seed: seed + 3 })] : []),
    tfl.layers.dense({ units: shape.numClasses, activation: 'softmax', kernelInitializer: init(4) }),
  ];
  let model: tfl.LayersModel;
  if (config.architecture === 'conv1d') {
    model = tfl.sequential({ layers: [embedding, tfl.layers.conv1d({ filters: config.units, kernelSize: 5, activation: 'relu', padding: 'same', kernelInitializer: init(1) }), tfl.layers.globalMaxPooling1d({}), ...head] });
  } else {
    // Recurrent weights not orthogonal (the Keras default): tfjs's Orthogonal initializer calls chained Tensor
    // methods (rMat.flatten) this Node setup did not install, and is slow for large matrices. Sigmoid gates, as in
    // Keras, rather than tfjs' default hardSigmoid: measured faster on WASM.
    // Pooled over every step rather than the last state only: the classifier sees a phrase wherever it was
    // read, and training converges in a few epochs instead of having to carry evidence across the whole text.
    const returnSequences = config.pooling !== 'last';
    const rnnOptions = { units: config.units, returnSequences, recurrentActivation: 'sigmoid' as const, kernelInitializer: init(1), recurrentInitializer: init(2) };
    const rnn = config.architecture === 'lstm' ? tfl.layers.lstm(rnnOptions) : tfl.layers.gru(rnnOptions);
    const layer = config.bidirectional ? tfl.layers.bidirectional({ layer: rnn as unknown as Parameters<typeof tfl.layers.bidirectional>[0]['layer'], mergeMode: 'concat' }) : rnn;
    if (config.pooling === 'max-mean') {
      // Max and mean side by side: the strongest phrase and how much of the text reads like spam.
      const input = tfl.input({ shape: [shape.sequenceLength] });
      const steps = layer.apply(embedding.apply(input)) as tfl.SymbolicTensor;
      const pooled = tfl.layers.concatenate().apply([tfl.layers.globalMaxPooling1d({}).apply(steps), tfl.layers.globalAveragePooling1d({}).apply(steps)] as tfl.SymbolicTensor[]);
      model = tfl.model({ inputs: input, outputs: head.reduce((t, l) => l.apply(t) as tfl.SymbolicTensor, pooled as tfl.SymbolicTensor) });
    } else {
      model = tfl.sequential({ layers: [embedding, layer, ...(returnSequences ? [tfl.layers.globalMaxPooling1d({})] : []), ...head] });
    }
  }
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
