import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Load a saved version straight from its files with plain tfjs APIs — no
 * ModelStore, no checksums, no warm-up: the "call `model.predict` yourself"
 * baseline. Weights land on whichever backend is active.
 */
export async function loadLayersModelFromDir(versionDir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(versionDir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = await readFile(join(versionDir, 'weights.bin'));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }),
  );
}

/** One batch-1 prediction the direct way: tensor in, probabilities out, everything disposed. */
export async function predictDirect(model: tfl.LayersModel, pixels: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const x = tf.tensor(pixels, [1, ...shape]);
  const y = model.predict(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return out;
}
