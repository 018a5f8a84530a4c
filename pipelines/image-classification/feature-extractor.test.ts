import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { PolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import { rejection, tinyModel } from '../../src/model/test-helpers.js';
import { buildCnn } from './cnn.js';
import { cutAtLayer, loadExtractor, resolveExtractor } from './feature-extractor.js';
import { buildHead, composeWithHead } from './head.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cnn = () => buildCnn({ inputShape: [10, 10, 1], numClasses: 3, filters: [2, 3], denseUnits: 5, dropout: 0, seed: 2 });
const values = async (t: tf.Tensor | tf.Tensor[]) => Array.from(await (t as tf.Tensor).data());
const weights = (layers: tfl.layers.Layer[]) => Promise.all(layers.flatMap((l) => l.getWeights()).map((w) => w.data().then((d) => Array.from(d))));

describe('cutAtLayer', () => {
  it('cuts at the penultimate layer by default: tinyModel gives its 6 flattened inputs', async () => {
    const model = tinyModel();
    const cut = cutAtLayer(model);
    expect(cut.layer).toBe(model.layers[0]!.name);
    expect(cut.dim).toBe(6);
    const x = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]);
    expect(await values(cut.model.predict(x))).toEqual([1, 2, 3, 4, 5, 6]);
    model.dispose();
  });

  it('cuts at a named layer, flattening conv outputs into one vector per example', async () => {
    const model = cnn();
    const conv = model.layers[2]!; // 10×10 → conv 8×8×2 → pool 4×4×2 → this conv: 2×2×3
    const cut = cutAtLayer(model, conv.name);
    const out = cut.model.predict(tf.zeros([2, 10, 10, 1])) as tf.Tensor;
    expect(cut.layer).toBe(conv.name);
    expect(out.shape).toEqual([2, cut.dim]);
    expect(cut.dim).toBe(12);
    expect(cut.model.layers.every((l) => !l.trainable)).toBe(true);
    model.dispose();
  });

  it('rejects an unknown layer with InvalidArgument naming the layers there are', () => {
    const model = tinyModel();
    let err: unknown;
    try {
      cutAtLayer(model, 'no-such-layer');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolyfaasError);
    expect(err).toMatchObject({ code: 'InvalidArgument', details: { reason: 'unknown-layer', layer: 'no-such-layer', layers: model.layers.map((l) => l.name) } });
    model.dispose();
  });
});

describe('extractor from the model store', () => {
  it('resolves the production alias to a version and loads it cut; a bad layer is InvalidArgument, a missing model NotFound', async () => {
    const bucket = new MemoryBucket();
    const store = new ModelStore(bucket, { signing: false });
    const source = cnn();
    const { version } = await store.save('source', source);
    await store.promote('source', version, 'production');
    const ref = await resolveExtractor(bucket, { model: 'source' });
    expect(ref).toEqual({ model: 'source', version, modelsPrefix: 'models/' });
    const loaded = await loadExtractor(bucket, ref);
    expect(loaded.inputShape).toEqual([10, 10, 1]);
    expect(loaded.dim).toBe(5); // the 5-unit dense layer feeds the classifier
    loaded.dispose();
    expect(await rejection(loadExtractor(bucket, { ...ref, layer: 'nope' }))).toMatchObject({ code: 'InvalidArgument', details: { reason: 'unknown-layer' } });
    expect((await rejection(resolveExtractor(bucket, { model: 'absent' }))).code).toBe('NotFound');
    source.dispose();
  });
});

describe('composeWithHead', () => {
  it('predicts exactly what head(extractor(x)) predicts, and training it leaves the extractor weights alone', async () => {
    const source = cnn();
    const cut = cutAtLayer(source);
    const options = { inputDim: cut.dim, numClasses: 4, hiddenUnits: 3, seed: 5 };
    const head = buildHead(options);
    const x = tf.randomUniform([3, 10, 10, 1], 0, 1, 'float32', 9);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 4);
    // Train the head first: the composed model must carry the trained weights, not a fresh initialisation.
    await head.fit(cut.model.predict(x) as tf.Tensor, y, { epochs: 5, verbose: 0 });
    const composed = composeWithHead(cut.model, head, options);
    const separate = head.predict(cut.model.predict(x) as tf.Tensor) as tf.Tensor;
    expect(await values(composed.predict(x))).toEqual(await values(separate));

    const extractorLayers = composed.layers.filter((l) => !l.name.startsWith('head_'));
    const headLayers = composed.layers.filter((l) => l.name.startsWith('head_'));
    const [extractorBefore, headBefore] = [await weights(extractorLayers), await weights(headLayers)];
    composed.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await composed.fit(x, y, { epochs: 3, verbose: 0 });
    expect(await weights(extractorLayers)).toEqual(extractorBefore);
    expect(await weights(headLayers)).not.toEqual(headBefore);
    source.dispose();
    head.dispose();
  });
});
