import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initBackend, ModelStore, Predictor } from '../../src/model/index.js';
import { importModel, useOnnx } from '../../src/model/model-import.js';
import type { PredictResponse } from './predict-function.js';
import { start } from './test-support/toy-pipeline.js';

const CNN = fileURLToPath(new URL('../../test/fixtures/onnx/cnn-28x28.onnx', import.meta.url));
const LABELS = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

describe('POST /predict with an imported ONNX model', () => {
  it('serves it like a trained one, applying the preprocessing recorded at import', async () => {
    useOnnx();
    // Importing runs the model once; the serving function picks the same backend in its init.
    await initBackend({ logger: () => undefined });
    const rt = await start(2);
    const store = new ModelStore(rt.bucket('data'), { signing: false });
    const preprocessing = { scale: 1 / 255, mean: [0.5], std: [0.25] };
    const info = await importModel(store, CNN, { name: 'toy', labels: LABELS, preprocessing });
    await store.promote('toy', info.version, 'production');

    const pixels = Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
    const res = await rt.http({ method: 'POST', path: '/predict', query: { k: '3' }, headers: { 'content-type': 'application/octet-stream' }, body: pixels });
    expect(res.status).toBe(200);
    const body = res.json<PredictResponse>();
    expect(body.version).toBe(info.version);

    // The same model called directly on the pixels scaled as recorded: /predict must agree.
    const direct = new Predictor({ store, name: 'toy' });
    const scaled = Float32Array.from(pixels, (p) => (p * preprocessing.scale - 0.5) / 0.25);
    const probabilities = (await direct.predict(scaled)).probabilities[0] as Float32Array;
    direct.dispose();
    const top = Array.from(probabilities, (p, classId) => ({ classId, p })).sort((a, b) => b.p - a.p).slice(0, 3);
    expect(body.predictions.map((p) => p.label)).toEqual(top.map((t) => LABELS[t.classId]));
    body.predictions.forEach((p, i) => expect(p.probability).toBeCloseTo(top[i]!.p, 6));

    const wrong = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(100) });
    expect(wrong.status).toBe(400);
  }, 60_000);
});
