import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One inference pass: input batch in, model output(s) out. Call inside `tf.tidy`. */
export type Forward = (x: tf.Tensor) => tf.Tensor | tf.Tensor[];

/**
 * The cheapest correct way to run `model` for inference.
 *
 * A model that is a plain chain of single-input, single-output layers (every
 * `Sequential`, and functional models wired the same way) runs layer by layer
 * with `layer.apply(x, { training: false })`: exactly what `model.predict`
 * computes (results are bit-identical; tested), without the symbolic-execution
 * bookkeeping `predict` does on every call, which costs ~60 µs on a 0.3 ms
 * Fashion-MNIST call. Anything else (several inputs or outputs, branches,
 * shared layers) goes through `model.predict`.
 */
export function forwardFor(model: tfl.LayersModel): Forward {
  const chain = layerChain(model);
  if (!chain) return (x) => model.predict(x);
  return (x) => chain.reduce<tf.Tensor>((t, layer) => layer.apply(t, { training: false }) as tf.Tensor, x);
}

/** The model's layers in order if each one feeds only the next, else `undefined`. */
function layerChain(model: tfl.LayersModel): tfl.layers.Layer[] | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (layers.length === 0) return undefined;
  for (const [i, layer] of layers.entries()) {
    // One call site per layer (not shared), one input and one output tensor.
    if (layer.inboundNodes.length !== 1) return undefined;
    const node = layer.inboundNodes[0];
    if (!node || node.inputTensors.length !== 1 || node.outputTensors.length !== 1) return undefined;
    const from = node.inboundLayers[0];
    const previous = layers[i - 1];
    if (previous ? from !== previous : from?.getClassName() !== 'InputLayer') return undefined;
  }
  // The chain must end at the model's output.
  return layers[layers.length - 1]?.output === model.outputs[0] ? layers : undefined;
}
