import '@tensorflow/tfjs-backend-cpu';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { importModel } from './import-model.js';
import { Predictor } from './predictor.js';
import { ModelStore } from './store.js';
import { rejection } from './test-helpers.js';
import { useOnnx } from './use-formats.js';

const onnx = fileURLToPath(new URL('../../test/fixtures/onnx/mlp-784.onnx', import.meta.url));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('optional model formats', () => {
  // One test: the registry is per process, and this file is its own process.
  it('serve ONNX only once the app called useOnnx(), saying so until then', async () => {
    const store = new ModelStore(new MemoryBucket(), { signing: false });
    const info = await importModel(store, onnx, { name: 'mlp' });
    await store.promote('mlp', info.version, 'production');
    const err = await rejection(new Predictor({ store, name: 'mlp' }).load());
    expect(err.code).toBe('Unavailable');
    expect(err.details).toMatchObject({ reason: 'Unimplemented' });
    expect(err.message).toContain('useOnnx()');

    useOnnx();
    const predictor = new Predictor({ store, name: 'mlp' });
    await predictor.load();
    expect((await predictor.predict(new Float32Array(784))).probabilities[0]).toHaveLength(10);
    predictor.dispose();
  });
});
