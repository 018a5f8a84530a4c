import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import { initBackend, ModelStore } from '../../src/model/index.js';
import { createImageClassificationApp } from './app.js';
import { buildCnn } from './cnn.js';
import { cutAtLayer } from './feature-extractor.js';
import { buildHead } from './head.js';
import type { PredictResponse } from './predict-function.js';
import { CLASSES, trainImages, upload } from './test-support/toy-pipeline.js';

const weightsOf = (model: { getWeights(): tf.Tensor[] }) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));

describe('image pipeline with a feature extractor', () => {
  it('trains a head on embeddings, stores extractor + head as one model, and /predict serves it like head(extractor(image))', async () => {
    const app = createImageClassificationApp({
      dataset: 'toy',
      bucket: 'memory://toy',
      preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: CLASSES, extractor: { model: 'source' } },
      training: { batchSize: 8, seed: 3, head: { epochs: 4, hiddenUnits: 3 } },
      evaluation: { minTestExamples: 2 },
    });
    await initBackend({ logger: () => {} });
    const rt = await createMemoryRuntime(app, { retryDelayMs: 1 });
    const bucket = rt.bucket('data');
    const store = new ModelStore(bucket);
    // A "pretrained" network from elsewhere in the store: its penultimate layer (dense, 4 units) gives the features.
    const source = buildCnn({ inputShape: [28, 28, 1], numClasses: 7, filters: [2, 2], denseUnits: 4, dropout: 0, seed: 11 });
    const { version: sourceVersion } = await store.save('source', source);
    await store.promote('source', sourceVersion, 'production');

    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);

    const { version } = await store.resolveAlias('toy', 'production');
    const info = await store.info('toy', version);
    const featureLayer = source.layers[source.layers.length - 2]!.name;
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.metadata).toMatchObject({
      extractor: { model: 'source', version: sourceVersion, layer: featureLayer, dim: 4, modelsPrefix: 'models/' },
      head: { hiddenUnits: 3, dropout: 0 },
      config: { head: { hiddenUnits: 3, dropout: 0, epochs: 4 } },
      history: [expect.anything(), expect.anything(), expect.anything(), expect.anything()],
    });

    // The frozen part of the stored model is the source's weights, unchanged by head training.
    const { model: served } = await store.load('toy', { version });
    const extractorLayerNames = new Set(source.layers.slice(0, -1).map((l) => l.name));
    const storedExtractor = served.layers.filter((l) => extractorLayerNames.has(l.name));
    expect(storedExtractor).toHaveLength(source.layers.length - 1);
    expect(await weightsOf({ getWeights: () => storedExtractor.flatMap((l) => l.getWeights()) })).toEqual(await weightsOf({ getWeights: () => source.layers.slice(0, -1).flatMap((l) => l.getWeights()) }));

    // One request, one prediction: the same probabilities as running extractor and head one after the other.
    const image = await sharp(Buffer.alloc(784, 230), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    const res = await rt.http({ method: 'POST', path: '/predict', query: { k: '2' }, headers: { 'content-type': 'image/png' }, body: image });
    expect(res.status).toBe(200);
    const body = res.json<PredictResponse>();
    expect(body.version).toBe(version);

    // Built like the train step builds it (same seed), so before training its weights are the initial ones.
    const head = buildHead({ inputDim: 4, numClasses: 2, hiddenUnits: 3, seed: 3 });
    const trained = served.layers.filter((l) => l.name.startsWith('head_')).flatMap((l) => l.getWeights());
    expect(await weightsOf({ getWeights: () => trained })).not.toEqual(await weightsOf(head));
    head.setWeights(trained);
    const pixels = tf.fill([1, 28, 28, 1], 230 / 255);
    const separate = await (head.predict(cutAtLayer(source).model.predict(pixels) as tf.Tensor) as tf.Tensor).data();
    for (const p of body.predictions) expect(p.probability).toBeCloseTo(separate[p.classId]!, 6);

    // Same limits and errors as any model: a wrong pixel count is a 400 with a code.
    const bad = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels: [1, 2, 3] }) });
    expect(bad.status).toBe(400);
    served.dispose();
    head.dispose();
    source.dispose();
  }, 120_000);
});
