// The "seed-style" baseline handler the cold-start and memory benches compare
// against: how a Lambda serving a tfjs model is commonly written before
// polyfaas. The unbundled `@tensorflow/tfjs` umbrella package required at the
// top, the model read at import time, the default backend (cpu: WebGL does not
// exist in Node), no warm-up prediction. Plain JavaScript run by plain `node`:
// no bundler, no TypeScript loader. `@tensorflow/tfjs` is a devDependency for
// exactly this file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';

// Same FileBucket directory as the polyfaas function: follow the production alias to its files.
const root = join(process.env.SEED_MODEL_DIR, 'models', 'fashion-mnist');
const { version } = JSON.parse(readFileSync(join(root, 'aliases', 'production.json'), 'utf8'));
const dir = join(root, 'versions', version);
const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
const labels = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).labels;
const weights = readFileSync(join(dir, 'weights.bin'));
const model = await tf.loadLayersModel(
  tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }),
);

/** API Gateway v2 event with a base64 PNG body → top-3 labels. */
export async function handler(event) {
  const png = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const pixels = await sharp(png).greyscale().resize(28, 28).raw().toBuffer();
  const x = tf.tidy(() => tf.tensor4d(Float32Array.from(pixels, (p) => p / 255), [1, 28, 28, 1]));
  const y = model.predict(x);
  const probabilities = await y.data();
  tf.dispose([x, y]);
  const predictions = Array.from(probabilities, (probability, classId) => ({ label: labels[classId], classId, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, 3);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fashion-mnist', version, predictions }) };
}
