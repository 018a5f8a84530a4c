import type * as tf from '@tensorflow/tfjs-core';
import type * as converter from '@tensorflow/tfjs-converter';
import { PolyfaasError } from '../errors.js';
import type { ModelRunner } from './runner.js';

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

/** A tfjs graph model (TensorFlow SavedModel converted by tensorflowjs_converter), loaded and wrapped in a {@link ModelRunner}. */
export async function loadGraphRunner(io: tf.io.IOHandler): Promise<ModelRunner> {
  const { loadGraphModel } = await loadConverter();
  return graphRunner(await loadGraphModel(io));
}

/**
 * Serve a graph model through `executeAsync`, which runs every graph
 * (including control flow that `predict` refuses); the first output is served.
 */
export function graphRunner(model: converter.GraphModel): ModelRunner {
  return {
    async run(input) {
      const out = await model.executeAsync(input);
      const outputs = Array.isArray(out) ? out : [out];
      try {
        const first = outputs[0];
        if (!first) throw new PolyfaasError('Internal', 'The model produced no output');
        return { values: (await first.data()) as Float32Array, examples: first.shape[0] ?? 1 };
      } finally {
        for (const t of outputs) t.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
