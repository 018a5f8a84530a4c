import type { AppDefinition } from '../../src/index.js';
import { defineApp } from '../../src/index.js';
import { FileBucket } from '../../adapters/local/index.js';
import { createPredictFunction } from '../../pipelines/image-classification/predict-function.js';
import type { PredictFunctionOptions } from '../../pipelines/image-classification/predict-function.js';
import { PIPELINE_BUCKET } from '../../pipelines/image-classification/index.js';
import { BENCH_MODEL_NAME } from './bench-model.js';

/**
 * The Fashion-MNIST pipeline's own `predict` function alone, serving the bench
 * model from its FileBucket. `fashionMnistApp` does not expose the serving
 * options, and the benches need `maxBatchSize`; the function is the same one.
 */
export function predictApp(modelDir: string, serving: Omit<PredictFunctionOptions, 'bucket' | 'modelName'> = {}): AppDefinition {
  return defineApp({
    name: 'fashion-mnist-bench',
    buckets: { [PIPELINE_BUCKET]: new FileBucket(modelDir, { durable: false }) },
    functions: [createPredictFunction({ bucket: PIPELINE_BUCKET, modelName: BENCH_MODEL_NAME, ...serving })],
  });
}

/** JSON body `{ "pixels": [...] }`: skips image decoding, so only runtime overhead differs from a direct call. */
export function pixelsBody(pixels: Uint8Array): string {
  return JSON.stringify({ pixels: Array.from(pixels) });
}
