/**
 * The preprocess step alone, as the chunking tests and bench load it in each
 * `serve({ workers })` process: `chunked` cuts a split into chunks of
 * {@link CHUNK_SIZE} images, `chunked500` of 500 (the bench), `single`
 * preprocesses it in one invocation.
 */
import { defineApp } from '../../../src/index.js';
import { createPreprocessChunkFunction } from '../preprocess-chunk-function.js';
import { createPreprocessFunction } from '../preprocess.js';
import type { PreprocessSettings } from '../settings.js';

/** Fashion-MNIST's classes, by label. */
export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Shards of 100 images, so a few thousand images make many chunks. */
export const SETTINGS: PreprocessSettings = { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES, examplesPerShard: 100 };

/** Images per chunk in {@link chunked}. */
export const CHUNK_SIZE = 200;

function preprocessApp(chunkSize: number | undefined) {
  return defineApp({
    name: 'chunks',
    buckets: { data: 'mem://chunks' },
    functions: [
      createPreprocessFunction({ ...SETTINGS, bucket: 'data', incremental: false, ...(chunkSize ? { chunkSize } : {}) }),
      createPreprocessChunkFunction({ bucket: 'data' }),
    ],
  });
}

export const chunked = preprocessApp(CHUNK_SIZE);
export const chunked500 = preprocessApp(500);
export const single = preprocessApp(undefined);
