import type * as tf from '@tensorflow/tfjs-core';
import type * as converter from '@tensorflow/tfjs-converter';
import { PolyfaasError } from '../errors.js';
import { tensorRunner, type ModelRunner } from './runner.js';

/** The package that runs tfjs graph models, an optional peer: imported only for graph models. */
export const TFJS_CONVERTER_PACKAGE = '@tensorflow/tfjs-converter';

/** Load tfjs-converter on demand, naming the package when it is missing. */
export async function loadConverter(): Promise<typeof converter> {
  try {
    return await import('@tensorflow/tfjs-converter');
  } catch (err) {
    throw new PolyfaasError('Unavailable', `Serving tfjs graph models needs the optional package ${TFJS_CONVERTER_PACKAGE}: npm install ${TFJS_CONVERTER_PACKAGE}@4.22.0`, {
      cause: err,
      details: { package: TFJS_CONVERTER_PACKAGE },
    });
  }
}

/** A tfjs graph model (TensorFlow SavedModel converted by tensorflowjs_converter) behind {@link ModelRunner}. */
export async function loadGraphRunner(io: tf.io.IOHandler): Promise<ModelRunner> {
  const { loadGraphModel } = await loadConverter();
  const model = await loadGraphModel(io);
  return tensorRunner((x) => {
    const out = model.predict(x);
    return out instanceof Array || 'dataSync' in out ? (out as tf.Tensor | tf.Tensor[]) : Object.values(out);
  }, () => model.dispose());
}
