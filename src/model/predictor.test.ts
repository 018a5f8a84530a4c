import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { PolyfaasError } from '../errors.js';
import { createLogger, type LogRecord } from '../logger.js';
import { Predictor, type PredictorOptions } from './predictor.js';
import { ModelStore } from './store.js';
import { rejection, tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);

describe('Predictor', () => {
  let store: ModelStore;
  let clock: number;
  let logs: LogRecord[];
  let v1: string;
  let v2: string;
  /** Every model the store handed out, in load order. */
  let loadedModels: tfl.LayersModel[];
  const predictors: Predictor[] = [];

  function predictor(options: Partial<PredictorOptions> = {}): Predictor {
    const p = new Predictor({
      store,
      name: 'digits',
      now: () => clock,
      logger: createLogger({ level: 'debug', sink: (r) => logs.push(r) }),
      ...options,
    });
    predictors.push(p);
    return p;
  }

  beforeEach(async () => {
    store = new ModelStore(new MemoryBucket());
    clock = 1_000_000;
    logs = [];
    loadedModels = [];
    const m1 = tinyModel(1);
    const m2 = tinyModel(2);
    v1 = (await store.save('digits', m1, { labels: ['zero', 'one', 'two'] })).version;
    v2 = (await store.save('digits', m2, { labels: ['zero', 'one', 'two'] })).version;
    m1.dispose();
    m2.dispose();
    const load = store.load.bind(store);
    vi.spyOn(store, 'load').mockImplementation(async (...args) => {
      const loaded = await load(...args);
      loadedModels.push(loaded.model);
      return loaded;
    });
  });

  afterEach(() => {
    for (const p of predictors.splice(0)) p.dispose();
    vi.restoreAllMocks();
  });

  it('loads the aliased model once and warms it up on zeros of the input shape', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    expect(p.version).toBeUndefined();
    // The forward pass runs layer by layer; the first layer sees the model's input.
    const original = tfl.layers.Layer.prototype.apply;
    const shapes: number[][] = [];
    vi.spyOn(tfl.layers.Layer.prototype, 'apply').mockImplementation(function (this: tfl.layers.Layer, x, args) {
      // Concrete tensors only: building the model applies layers to symbolic ones.
      if (x instanceof tf.Tensor && this.inboundNodes[0]?.inboundLayers[0]?.getClassName() === 'InputLayer') {
        shapes.push([...(x as tf.Tensor).shape]);
      }
      return original.call(this, x, args);
    });
    await Promise.all([p.load(), p.load()]);
    expect(store.load).toHaveBeenCalledTimes(1);
    expect(shapes).toEqual([[1, 2, 3]]);
    expect(p.version).toBe(v1);
    expect(p.labels).toEqual(['zero', 'one', 'two']);
    expect(p.inputShape).toEqual([2, 3]);
  });

  it('skips the warm-up when asked', async () => {
    await store.promote('digits', v1, 'production');
    const predict = vi.spyOn(tfl.LayersModel.prototype, 'predict');
    const apply = vi.spyOn(tfl.layers.Layer.prototype, 'apply');
    await predictor({ warmup: false }).load();
    expect(predict).not.toHaveBeenCalled();
    // Loading applies layers to symbolic tensors to build the model; no concrete tensor ran through it.
    expect(apply.mock.calls.filter(([x]) => x instanceof tf.Tensor)).toHaveLength(0);
  });

  it('predicts like the stored model, for one example and for a batch', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    const single = await p.predict(input);
    expect(single.version).toBe(v1);
    expect(single.probabilities).toHaveLength(1);
    const direct = tf.tidy(() => (loadedModels[0]!.predict(tf.tensor(input, [1, 2, 3])) as tf.Tensor).dataSync());
    expect(single.probabilities[0]).toEqual(Float32Array.from(direct));
    expect(single.probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    const batch = await p.predict([...input, ...input, ...input], { batch: 3 });
    expect(batch.probabilities).toHaveLength(3);
    for (const row of batch.probabilities) expect(row).toEqual(single.probabilities[0]);

    const t = tf.tensor(input, [1, 2, 3]);
    const t1 = tf.tensor(input, [2, 3]);
    expect((await p.predict(t)).probabilities[0]).toEqual(single.probabilities[0]);
    expect((await p.predict(t1)).probabilities[0]).toEqual(single.probabilities[0]);
    expect(t.isDisposed || t1.isDisposed).toBe(false); // the caller's tensors stay the caller's
    t.dispose();
    t1.dispose();
  });

  it('rejects inputs of the wrong size, shape or dtype with InvalidArgument naming both', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    await p.load();
    const cases: [unknown, { batch?: number } | undefined, string][] = [
      [new Float32Array(100), undefined, 'expected input shape [2,3] (6 values), received 100 values'],
      [new Array(6).fill(0), { batch: 2 }, 'expected 2 examples of shape [2,3] (12 values), received 6 values'],
      [[1, 2, 3, 4, 5, '6'], undefined, 'expected numbers, received string at index 5'],
      [new Float64Array(6), undefined, 'received Float64Array'],
      [input, { batch: 0 }, 'batch must be a positive integer'],
      ['pixels', undefined, 'received string'],
    ];
    for (const [value, options, message] of cases) {
      const err = await rejection(p.predict(value as Float32Array, options));
      expect(err.code).toBe('InvalidArgument');
      expect(err.message).toContain(message);
    }
    const tensors = [tf.zeros([3, 2]), tf.zeros([2, 3], 'int32'), tf.zeros([4, 2, 3])];
    const messages = [
      'expected input shape [2,3] or [batch,2,3], received tensor of shape [3,2]',
      'expected dtype float32, received int32',
      'batch is 2 but the tensor holds 4 examples',
    ];
    for (const [i, t] of tensors.entries()) {
      const err = await rejection(p.predict(t, i === 2 ? { batch: 2 } : {}));
      expect(err.code).toBe('InvalidArgument');
      expect(err.message).toContain(messages[i]);
      t.dispose();
    }
  });

  it('is Unavailable while the alias does not exist, and recovers once it does', async () => {
    const p = predictor();
    const err = await rejection(p.load());
    expect(err.code).toBe('Unavailable');
    expect((err.cause as PolyfaasError).code).toBe('NotFound');
    expect((await rejection(p.predict(input))).code).toBe('Unavailable');
    await store.promote('digits', v1, 'production');
    expect((await p.predict(input)).version).toBe(v1);
  });

  it('follows the alias after the interval, without making a request wait for the swap', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor({ refreshIntervalMs: 30_000 });
    await p.load();
    const etagChecks = vi.spyOn(store, 'aliasEtag');
    await store.promote('digits', v2, 'production');

    clock += 29_999;
    expect((await p.predict(input)).version).toBe(v1);
    expect(await p.refreshIfDue()).toBe(false);
    expect(etagChecks).not.toHaveBeenCalled();

    clock += 1;
    // The request that notices the due check is still served by the current model.
    expect((await p.predict(input)).version).toBe(v1);
    expect(etagChecks).toHaveBeenCalledTimes(1);
    expect(await p.refreshIfDue()).toBe(true); // joins the refresh already running
    expect(p.version).toBe(v2);
    expect((await p.predict(input)).version).toBe(v2);
    expect(etagChecks).toHaveBeenCalledTimes(1);
    expect(logs.some((r) => r.msg === 'model swapped' && r.to === v2)).toBe(true);
  });

  it('checks the alias at most once per interval however many requests arrive', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor({ refreshIntervalMs: 1000 });
    await p.load();
    const etagChecks = vi.spyOn(store, 'aliasEtag');
    for (let i = 0; i < 10; i++) {
      clock += 250;
      await Promise.all([p.predict(input), p.predict(input), p.refreshIfDue()]);
    }
    expect(etagChecks).toHaveBeenCalledTimes(2);
    expect(store.load).toHaveBeenCalledTimes(1); // alias did not move: nothing reloaded
  });

  it('does not reload when the alias is re-promoted to the same version', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    await p.load();
    await store.promote('digits', v1, 'production');
    clock += 30_000;
    expect(await p.refreshIfDue()).toBe(false);
    expect(store.load).toHaveBeenCalledTimes(1);
    clock += 30_000;
    const resolves = vi.spyOn(store, 'resolveAlias');
    await p.refreshIfDue();
    expect(resolves).not.toHaveBeenCalled(); // the new etag was remembered
  });

  it('finishes in-flight predictions on the old model and disposes it only afterwards', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    await p.load();
    const oldModel = loadedModels[0]!;
    const disposeOld = vi.spyOn(oldModel, 'dispose');

    // Hold one prediction on the old model open until we release it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const lastLayer = oldModel.layers[oldModel.layers.length - 1] as tfl.layers.Layer;
    const apply = lastLayer.apply.bind(lastLayer);
    vi.spyOn(lastLayer, 'apply').mockImplementationOnce((x, args) => {
      const out = apply(x, args) as tf.Tensor;
      const data = out.data.bind(out);
      out.data = (async () => {
        await gate;
        return data();
      }) as typeof out.data;
      return out;
    });
    const inFlight = p.predict(input);

    await store.promote('digits', v2, 'production');
    clock += 30_000;
    expect(await p.refreshIfDue()).toBe(true);
    expect((await p.predict(input)).version).toBe(v2);
    expect(disposeOld).not.toHaveBeenCalled();

    release();
    const result = await inFlight;
    expect(result.version).toBe(v1);
    expect(result.probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(disposeOld).toHaveBeenCalledTimes(1);
  });

  it('keeps serving the current version when the new one is corrupt', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    await p.load();
    const key = `models/digits/versions/${v2}/weights.bin`;
    const { body } = await store.bucket.get(key);
    await store.bucket.put(key, body.subarray(1));
    await store.promote('digits', v2, 'production');
    clock += 30_000;
    expect(await p.refreshIfDue()).toBe(false);
    expect(p.version).toBe(v1);
    expect((await p.predict(input)).version).toBe(v1);
    const warning = logs.find((r) => r.level === 'warn');
    expect(warning?.error).toMatchObject({ code: 'DataLoss' });
  });

  it('does not leak tensors across many predictions, swaps and rejected inputs', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor({ refreshIntervalMs: 1000 });
    await p.load();
    await p.predict(input);
    const baseline = tf.memory().numTensors;
    for (let round = 0; round < 6; round++) {
      await store.promote('digits', round % 2 === 0 ? v2 : v1, 'production');
      clock += 1000;
      const batch = Array.from({ length: 20 }, () => p.predict(input));
      await p.refreshIfDue();
      await Promise.all(batch);
      await p.predict([...input, ...input], { batch: 2 });
      await rejection(p.predict(new Float32Array(5)));
      const wrong = tf.zeros([3, 2]);
      await rejection(p.predict(wrong));
      wrong.dispose();
    }
    expect(p.version).toBe(v1);
    expect(store.load).toHaveBeenCalledTimes(7);
    expect(tf.memory().numTensors).toBe(baseline);
    p.dispose();
    expect(tf.memory().numTensors).toBeLessThan(baseline);
  });

  it('fails with Unavailable after dispose', async () => {
    await store.promote('digits', v1, 'production');
    const p = predictor();
    await p.load();
    p.dispose();
    expect((await rejection(p.predict(input))).code).toBe('Unavailable');
    expect((await rejection(p.load())).code).toBe('Unavailable');
  });
});
