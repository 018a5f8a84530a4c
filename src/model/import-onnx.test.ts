import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { importModel } from './import-model.js';
import { ONNX_FILE } from './onnx-runner.js';
import { Predictor } from './predictor.js';
import { ModelSigningKey } from './signing-keys.js';
import { ModelStore } from './store.js';
import { rejection, tinyModel } from './test-helpers.js';
import { useOnnx } from './use-formats.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));
const CLASSES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

/** What make-fixtures.py printed: the inputs it fed PyTorch and PyTorch's outputs. */
interface Expected {
  inputShape: number[];
  inputs: number[][];
  outputs: number[][];
}
let expected: Record<'cnn-28x28.onnx' | 'mlp-784.onnx' | 'cnn-rgb-16x16.onnx', Expected>;
let scratch: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  useOnnx();
  expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8')) as typeof expected;
  scratch = await mkdtemp(join(tmpdir(), 'polyfaas-onnx-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function newStore(): ModelStore {
  return new ModelStore(new MemoryBucket(), { signing: false });
}

async function serve(store: ModelStore, name: string): Promise<Predictor> {
  const predictor = new Predictor({ store, name });
  await predictor.load();
  return predictor;
}

function expectClose(actual: Float32Array[], wanted: number[][], tolerance: number): void {
  expect(actual.length).toBe(wanted.length);
  actual.forEach((row, i) => {
    const want = wanted[i] as number[];
    expect(row.length).toBe(want.length);
    const worst = Math.max(...want.map((w, j) => Math.abs(w - (row[j] as number))));
    expect(worst).toBeLessThan(tolerance);
  });
}

describe('importModel: ONNX', () => {
  it('serves a PyTorch CNN through Predictor with the outputs PyTorch computed', async () => {
    const store = newStore();
    const info = await importModel(store, join(fixtures, 'cnn-28x28.onnx'), {
      name: 'fashion',
      labels: CLASSES,
      preprocessing: { scale: 1 / 255, mean: [0.286], std: [0.353] },
    });
    // PyTorch's [1, 28, 28] input is served as the image pipeline's [28, 28, 1].
    expect(info).toMatchObject({ format: 'onnx', formatVersion: 2, channelsFirst: true, inputShape: [28, 28, 1], labels: CLASSES });
    expect(info.metadata).toMatchObject({ imported: { format: 'onnx', source: 'cnn-28x28.onnx' }, preprocessing: { scale: 1 / 255, mean: [0.286], std: [0.353] } });
    expect(info.files.map((f) => f.path)).toEqual([ONNX_FILE]);

    await store.promote('fashion', info.version, 'production');
    const predictor = await serve(store, 'fashion');
    const { inputs, outputs } = expected['cnn-28x28.onnx'];
    // One channel: channels-first and channels-last pixels are laid out the same.
    const { probabilities, version } = await predictor.predict(Float32Array.from(inputs.flat()), { batch: inputs.length });
    expect(version).toBe(info.version);
    expectClose(probabilities, outputs, 1e-5);
    // One example at a time gives the same answers as the batch.
    expectClose((await predictor.predict(inputs[1] as number[])).probabilities, [outputs[1] as number[]], 1e-5);
    predictor.dispose();
  });

  it('transposes [H, W, C] colour requests to the channels-first order PyTorch computed with', async () => {
    const store = newStore();
    const info = await importModel(store, join(fixtures, 'cnn-rgb-16x16.onnx'), { name: 'rgb' });
    expect(info).toMatchObject({ channelsFirst: true, inputShape: [16, 16, 3] });
    await store.promote('rgb', info.version, 'production');
    const predictor = await serve(store, 'rgb');
    const { inputs, outputs } = expected['cnn-rgb-16x16.onnx'];
    // PyTorch's inputs are [C, H, W]; a client sends the same image as [H, W, C].
    const hwc = inputs.flatMap((chw) => Array.from({ length: 16 * 16 * 3 }, (_, i) => chw[(i % 3) * 256 + Math.floor(i / 3)] as number));
    expectClose((await predictor.predict(hwc, { batch: inputs.length })).probabilities, outputs, 1e-5);
    predictor.dispose();
  });

  it('serves a flat-input MLP (logits) as PyTorch computed them', async () => {
    const store = newStore();
    const info = await importModel(store, join(fixtures, 'mlp-784.onnx'), { name: 'mlp' });
    expect(info).toMatchObject({ format: 'onnx', inputShape: [784], labels: [] });
    expect(info.channelsFirst).toBeUndefined();
    await store.promote('mlp', info.version, 'production');
    const predictor = await serve(store, 'mlp');
    const { inputs, outputs } = expected['mlp-784.onnx'];
    expectClose((await predictor.predict(Float32Array.from(inputs.flat()), { batch: inputs.length })).probabilities, outputs, 1e-4);
    predictor.dispose();
  });

  it('refuses requests of the wrong shape with InvalidArgument, like any model', async () => {
    const store = newStore();
    const info = await importModel(store, join(fixtures, 'cnn-28x28.onnx'), { name: 'fashion' });
    await store.promote('fashion', info.version, 'production');
    const predictor = await serve(store, 'fashion');
    const err = await rejection(predictor.predict(new Float32Array(100)));
    expect(err.code).toBe('InvalidArgument');
    expect(err.message).toContain('[28,28,1]');
    const tensor = tf.zeros([1, 1, 28, 28]);
    expect((await rejection(predictor.predict(tensor))).code).toBe('InvalidArgument');
    tensor.dispose();
    predictor.dispose();
  });

  it('refuses truncated and garbage files with a coded error and no path in the message', async () => {
    const whole = await readFile(join(fixtures, 'cnn-28x28.onnx'));
    const truncated = join(scratch, 'truncated.onnx');
    const garbage = join(scratch, 'garbage.onnx');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    await writeFile(garbage, Buffer.from('this is not a protobuf, just text pretending to be a model'));
    const store = newStore();
    for (const file of [truncated, garbage]) {
      const err = await rejection(importModel(store, file, { name: 'bad' }));
      expect(err.code).toBe('InvalidArgument');
      expect(err.details).toMatchObject({ reason: 'onnx-load-failed' });
      expect(err.message).not.toContain(scratch);
    }
    expect(await store.list('bad')).toEqual([]);
  });

  it('checks labels and input shape against the model before storing anything', async () => {
    const store = newStore();
    const file = join(fixtures, 'cnn-28x28.onnx');
    const labels = await rejection(importModel(store, file, { name: 'm', labels: ['a', 'b', 'c'] }));
    expect(labels.code).toBe('InvalidArgument');
    expect(labels.message).toContain('outputs 10 values');
    expect((await rejection(importModel(store, file, { name: 'm', inputShape: [32, 32, 1] }))).code).toBe('InvalidArgument');
    expect((await rejection(importModel(store, file, { name: 'm', preprocessing: { mean: [0.5, 0.5, 0.5] } }))).code).toBe('InvalidArgument');
    expect(await store.list('m')).toEqual([]);
  });

  it('signs imported versions when the store has a signing key, and refuses a tampered model.onnx', async () => {
    const bucket = new MemoryBucket();
    const key = ModelSigningKey.generate('ed25519', 'import-test');
    const writer = new ModelStore(bucket, { signing: { signingKey: key, verifyKeys: [key.verifyKey()], requireSignature: true } });
    const info = await importModel(writer, join(fixtures, 'mlp-784.onnx'), { name: 'mlp' });
    await writer.promote('mlp', info.version, 'production');
    const reader = new ModelStore(bucket, { signing: { verifyKeys: [key.verifyKey()], requireSignature: true } });
    expect((await reader.verify('mlp', info.version)).signedBy).toBe('import-test');
    const predictor = await serve(reader, 'mlp');
    expect(predictor.version).toBe(info.version);
    predictor.dispose();

    const file = writer.layout.versionFolder('mlp', info.version) + ONNX_FILE;
    const bytes = (await bucket.get(file)).body.slice();
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await bucket.put(file, bytes);
    const err = await rejection(new Predictor({ store: reader, name: 'mlp' }).load());
    expect(err.code).toBe('Unavailable');
    expect(err.details).toMatchObject({ reason: 'DataLoss' });
  });

  it('hot-swaps between a native tf.js version and an imported ONNX one without the caller noticing', async () => {
    const store = newStore();
    let clock = 0;
    const native = tinyModel(3);
    const first = await store.save('swap', native, { inputShape: [2, 3] });
    native.dispose();
    await store.promote('swap', first.version, 'production');
    const predictor = new Predictor({ store, name: 'swap', now: () => clock, refreshIntervalMs: 10 });
    await predictor.load();
    expect((await predictor.predict(new Float32Array(6))).probabilities[0]).toHaveLength(3);

    const onnx = await importModel(store, join(fixtures, 'mlp-784.onnx'), { name: 'swap' });
    await store.promote('swap', onnx.version, 'production');
    clock = 100;
    expect(await predictor.refreshIfDue()).toBe(true);
    expect(predictor.info).toMatchObject({ format: 'onnx', inputShape: [784] });
    const { inputs, outputs } = expected['mlp-784.onnx'];
    expectClose((await predictor.predict(inputs[0] as number[])).probabilities, [outputs[0] as number[]], 1e-4);
    predictor.dispose();
  });

  it('keeps ModelStore.load for tf.js Layers models and says so for others', async () => {
    const store = newStore();
    const info = await importModel(store, join(fixtures, 'mlp-784.onnx'), { name: 'mlp' });
    const err = await rejection(store.load('mlp', { version: info.version }));
    expect(err.code).toBe('PreconditionFailed');
    expect(err.details).toMatchObject({ format: 'onnx' });
  });

  it('refuses Keras files with Unimplemented, naming the converters', async () => {
    const h5 = join(scratch, 'model.h5');
    await writeFile(h5, Buffer.from([0x89, 0x48, 0x44, 0x46]));
    const err = await rejection(importModel(newStore(), h5, { name: 'keras' }));
    expect(err.code).toBe('Unimplemented');
    expect(err.message).toContain('tensorflowjs_converter');
  });
});
