/**
 * The evaluate step alone, as the chunked-evaluation tests load it in-process
 * and in each `serve({ workers })` process, and a test split with a production
 * model and a candidate to judge on it.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { defineApp, mapLimit } from '../../../src/index.js';
import type { AppDefinition, Bucket, BucketBinding } from '../../../src/index.js';
import { ModelStore } from '../../../src/model/index.js';
import { initBackend } from '../../../src/tf/index.js';
import { encodeDatasetManifest } from '../dataset-manifest.js';
import { createEvaluateChunkFunction } from '../evaluate-chunk-function.js';
import { createEvaluateFunction } from '../evaluate-function.js';
import type { PipelineHooks } from '../hooks.js';
import { DEFAULT_LAYOUT, featuresManifestKey, labelDir } from '../layout.js';
import { preprocessPrefix } from '../preprocess-batch.js';
import { encodeFixture, readFixture } from './image-folder.js';

/** Fashion-MNIST's classes, by label. */
export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** Test images: 19 shards of up to 16. */
export const TEST_IMAGES = 300;
const PER_SHARD = 16;
/** Rounded up to 64 examples (4 shards): 5 chunks, the last one short. */
export const CHUNK_SIZE = 50;
export const MODEL = 'fashion';
const TEST_FEATURES = featuresManifestKey('fashion', 'test', DEFAULT_LAYOUT);

/** The evaluate step on bucket `data`, with `chunkSize` also its chunk function; `chunkFunction: false` leaves the chunk jobs unrun. */
export function evaluateApp(chunkSize: number | undefined, options: { bucket?: BucketBinding; hooks?: PipelineHooks; chunkFunction?: boolean } = {}): AppDefinition {
  const hooks = options.hooks ? { hooks: options.hooks } : {};
  return defineApp({
    name: 'evaluate',
    buckets: { data: options.bucket ?? 'mem://evaluate' },
    functions: [
      createEvaluateFunction({ bucket: 'data', modelName: MODEL, ...(chunkSize ? { chunkSize } : {}), ...hooks }),
      ...(chunkSize && options.chunkFunction !== false ? [createEvaluateChunkFunction({ bucket: 'data', ...hooks })] : []),
    ],
  });
}

/** For `serve({ workers })`: evaluation in chunks of {@link CHUNK_SIZE}. */
export const chunkedEvaluation = evaluateApp(CHUNK_SIZE);

/** An untrained softmax layer over the pixels, seeded: wrong often enough to fill the confusion matrix. */
function model(seed: number): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
  m.add(tfl.layers.dense({ units: CLASSES.length, activation: 'softmax', kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.05, seed }) }));
  return m;
}

/**
 * Real Fashion-MNIST test images preprocessed into shards, a production model
 * promoted without a report (so judging a candidate must measure it on the
 * split too), and a candidate recording that split; each an untrained layer
 * initialised from its seed. Nothing here fires events.
 *
 * @returns the candidate's version and its manifest key (writing it starts the evaluation).
 */
export async function seedEvaluation(bucket: Bucket, seeds: { production: number; candidate: number }): Promise<{ version: string; production: string; manifestKey: string }> {
  await initBackend({ logger: () => {} });
  const fixture = await readFixture('test');
  await mapLimit(Array.from({ length: TEST_IMAGES }, (_, i) => i), 16, async (i) => {
    const label = fixture.labels[i]!;
    await bucket.put(`raw/fashion/test/${labelDir(label, CLASSES[label]!)}/${String(i).padStart(4, '0')}.png`, await encodeFixture(fixture, i));
  });
  await bucket.put('raw/fashion/test/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'test', count: TEST_IMAGES, classes: CLASSES }));
  await preprocessPrefix(bucket, { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES, examplesPerShard: PER_SHARD, dataset: 'fashion', split: 'test', progress: false });
  const store = new ModelStore(bucket);
  const save = async (seed: number) => {
    const m = model(seed);
    try {
      return (await store.save(MODEL, m, { labels: CLASSES, metadata: { testFeatures: TEST_FEATURES, seed } })).version;
    } finally {
      m.dispose();
    }
  };
  const production = await save(seeds.production);
  await store.promote(MODEL, production, 'production');
  const version = await save(seeds.candidate);
  return { version, production, manifestKey: `models/${MODEL}/versions/${version}/manifest.json` };
}
