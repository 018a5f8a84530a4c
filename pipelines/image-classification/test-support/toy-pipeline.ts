import sharp from 'sharp';
import { expect } from 'vitest';
import { createMemoryRuntime } from '../../../adapters/memory/index.js';
import type { MemoryRuntime } from '../../../adapters/memory/index.js';
import type { Bucket, StoreBinding } from '../../../src/index.js';
import { createImageClassificationApp } from '../app.js';
import { encodeDatasetManifest } from '../dataset-manifest.js';
import type { PipelineStatus } from '../status-function.js';

/** A toy two-class pipeline on the memory runtime: 28×28 grey squares, a tiny CNN, one epoch. */
export const CLASSES = ['dark', 'light'];

const png = (value: number) => sharp(Buffer.alloc(784, value), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer();

/** Upload a split: `images` as [label-dir, grey value] pairs, then its `_dataset.json`. */
export async function upload(bucket: Bucket, split: string, images: [string, number][]): Promise<void> {
  for (const [i, [dir, value]] of images.entries()) await bucket.put(`raw/toy/${split}/${dir}/${i}.png`, await png(value));
  await bucket.put(`raw/toy/${split}/_dataset.json`, encodeDatasetManifest({ dataset: 'toy', split, count: images.length, classes: CLASSES }));
}

export const trainImages = Array.from({ length: 16 }, (_, i): [string, number] => (i % 2 ? ['1-light', 200 + i] : ['0-dark', 10 + i]));

/** Start the toy pipeline; `extra` adds a state store (see `ImageClassificationConfig.state`) or deliver-twice. */
export async function start(minTestExamples?: number, extra: { state?: StoreBinding; deliverTwice?: boolean } = {}): Promise<MemoryRuntime> {
  const app = createImageClassificationApp({
    dataset: 'toy',
    bucket: 'memory://toy',
    preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES },
    training: { epochs: 1, batchSize: 8, filters: [2, 2], denseUnits: 4, checkpointEverySteps: 1 },
    ...(minTestExamples !== undefined ? { evaluation: { minTestExamples } } : {}),
    ...(extra.state ? { state: extra.state } : {}),
  });
  return createMemoryRuntime(app, { retryDelayMs: 1, ...(extra.deliverTwice ? { deliverTwice: true } : {}) });
}

export const status = async (rt: MemoryRuntime) => {
  const res = await rt.http({ method: 'GET', path: '/status' });
  expect(res.status).toBe(200);
  return res.json<PipelineStatus>();
};

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

export async function onlyVersion(bucket: Bucket): Promise<string> {
  const versions: string[] = [];
  for await (const obj of bucket.list({ prefix: 'models/toy/versions/' })) if (obj.key.endsWith('/manifest.json')) versions.push(obj.key.split('/')[3] as string);
  expect(versions).toHaveLength(1);
  return versions[0] as string;
}

