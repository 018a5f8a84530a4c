import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobFloats, loadWeights, snapshotWeights } from './checkpoint.js';
import { averageWeights } from './weight-average.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model with batch norm, whose moving statistics are weights but not trainable ones. */
function model(seed: number): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }), tfl.layers.batchNormalization(), tfl.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return m;
}

async function trained(seed: number) {
  const m = model(seed);
  const x = tf.randomNormal([16, 3], 0, 1, 'float32', seed);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i + seed) % 2), 'int32'), 2);
  await m.trainOnBatch(x, y);
  tf.dispose([x, y]);
  const snap = await snapshotWeights(m);
  return { m, snap: { tensors: snap.tensors, floats: blobFloats(snap.blob) } };
}

describe('averageWeights', () => {
  it('averages every weight, batch-norm moving statistics included, and the optimizer state unless reset', async () => {
    const [a, b] = [await trained(1), await trained(2)];
    const avg = averageWeights([a.snap, b.snap], 'average');
    const floats = blobFloats(avg.blob);
    expect(avg.tensors).toEqual(a.snap.tensors);
    expect(Array.from(floats)).toEqual(Array.from(a.snap.floats).map((v, i) => Math.fround((v + (b.snap.floats[i] as number)) / 2)));
    // The moving mean is in the snapshot (so in the average above), and training moved it off zero.
    const movingMean = a.m.weights.findIndex((w) => w.name.includes('moving_mean'));
    const spec = a.snap.tensors[movingMean];
    expect(spec?.group).toBe('model');
    expect(Array.from(a.snap.floats.subarray(spec?.offset, (spec?.offset ?? 0) + (spec?.length ?? 0))).some((v) => v !== 0)).toBe(true);

    const reset = averageWeights([a.snap, b.snap], 'reset');
    expect(reset.tensors.every((t) => t.group === 'model')).toBe(true);
    expect(reset.tensors).toHaveLength(a.m.getWeights().length);

    // Loads back into a fresh model of the same architecture.
    const fresh = model(3);
    await loadWeights(fresh, avg.tensors, floats);
    const back = await snapshotWeights(fresh);
    expect(Array.from(blobFloats(back.blob))).toEqual(Array.from(floats));
    [a.m, b.m, fresh].forEach((m) => m.dispose());
  });

  it('gives the same bits in a fixed order and refuses mismatched shapes', async () => {
    const [a, b] = [await trained(4), await trained(5)];
    expect(averageWeights([a.snap, b.snap], 'average').blob).toEqual(averageWeights([a.snap, b.snap], 'average').blob);
    expect(() => averageWeights([a.snap, { tensors: a.snap.tensors.slice(1), floats: a.snap.floats }], 'average')).toThrow(/different shapes/);
    a.m.dispose();
    b.m.dispose();
  });
});
