import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PolyfaasError } from '../../src/index.js';

/** Shape of the classifier {@link buildHead} puts on top of a feature extractor. */
export interface HeadOptions {
  /** Length of one feature vector. */
  inputDim: number;
  numClasses: number;
  /** Units of an optional hidden ReLU layer; 0 (default) makes the head a softmax regression. */
  hiddenUnits?: number;
  /** Dropout before the output layer; 0 (default) disables. */
  dropout?: number;
  learningRate?: number;
  seed?: number;
}

/** Layer names of a head: fixed, so the composed model's names never depend on what else the process built. */
const HEAD_NAMES = { hidden: 'head_hidden', dropout: 'head_dropout', output: 'head_output' } as const;

/** The head's layers, unapplied: one recipe for training alone and for composing with the extractor. */
function headLayers(options: HeadOptions): tfl.layers.Layer[] {
  const seed = options.seed ?? 42;
  const hidden = options.hiddenUnits ?? 0;
  const dropout = options.dropout ?? 0;
  return [
    ...(hidden > 0
      ? [tfl.layers.dense({ name: HEAD_NAMES.hidden, units: hidden, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) })]
      : []),
    ...(dropout > 0 ? [tfl.layers.dropout({ name: HEAD_NAMES.dropout, rate: dropout, seed: seed + 2 })] : []),
    tfl.layers.dense({ name: HEAD_NAMES.output, units: options.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 }) }),
  ];
}

/**
 * A small classifier over feature vectors, compiled like the CNN (Adam,
 * categorical cross-entropy on one-hot labels) so the same resumable trainer
 * fits it.
 */
export function buildHead(options: HeadOptions): tfl.LayersModel {
  const input = tfl.input({ shape: [options.inputDim], name: 'head_input' });
  const output = headLayers(options).reduce<tfl.SymbolicTensor>((t, layer) => layer.apply(t) as tfl.SymbolicTensor, input);
  const model = tfl.model({ inputs: input, outputs: output, name: 'head' });
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? 0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * One model from image to class probabilities: the frozen extractor's layers,
 * then fresh head layers carrying a copy of `head`'s trained weights. Saved
 * and served like any model, so `/predict` runs both in one call.
 *
 * The result shares the extractor's layers; it owns its head layers.
 *
 * @throws PolyfaasError `InvalidArgument` if the extractor's output size differs from the head's input,
 *   or one of its layers already uses a head layer name.
 */
export function composeWithHead(extractor: tfl.LayersModel, head: tfl.LayersModel, options: HeadOptions): tfl.LayersModel {
  const features = extractor.outputs[0] as tfl.SymbolicTensor;
  if (features.shape[1] !== options.inputDim) {
    throw new PolyfaasError('InvalidArgument', `Extractor outputs ${features.shape[1]} features; the head takes ${options.inputDim}`);
  }
  const clash = extractor.layers.find(isHeadLayer);
  if (clash) throw new PolyfaasError('InvalidArgument', `Extractor layer name "${clash.name}" is reserved for the head`);
  const output = headLayers(options).reduce<tfl.SymbolicTensor>((t, layer) => layer.apply(t) as tfl.SymbolicTensor, features);
  const composed = tfl.model({ inputs: extractor.inputs, outputs: output, name: `${extractor.name}_head` });
  const weights = head.getWeights();
  for (const layer of composed.layers) {
    if (isHeadLayer(layer)) layer.setWeights(takeWeights(weights, layer));
    else layer.trainable = false;
  }
  return composed;
}

/** Free the head layers of a model made by {@link composeWithHead}; its extractor layers stay with their source model. */
export function disposeHeadLayers(composed: tfl.LayersModel): void {
  for (const layer of composed.layers) if (isHeadLayer(layer)) layer.dispose();
}

function isHeadLayer(layer: tfl.layers.Layer): boolean {
  return (Object.values(HEAD_NAMES) as string[]).includes(layer.name);
}

/** Shift `layer`'s share of a weight list off its front, checking shapes. */
function takeWeights(weights: tf.Tensor[], layer: tfl.layers.Layer): tf.Tensor[] {
  const mine = weights.splice(0, layer.weights.length);
  mine.forEach((w, i) => {
    const want = layer.weights[i]?.shape ?? [];
    if (w.shape.join() !== want.join()) throw new PolyfaasError('Internal', `head weight ${i} of ${layer.name} has shape ${w.shape}, expected ${want}`);
  });
  return mine;
}
