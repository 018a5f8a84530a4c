import '@tensorflow/tfjs-backend-cpu';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { importModel } from './import-model.js';
import { Predictor } from './predictor.js';
import { ModelStore } from './store.js';
import { rejection } from './test-helpers.js';
import { useTfjsGraph } from './use-formats.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/tfjs/', import.meta.url));
let scratch: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  useTfjsGraph();
  scratch = await mkdtemp(join(tmpdir(), 'polyfaas-tfjs-import-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function importAndServe(source: string, options: { labels?: string[] } = {}) {
  const store = new ModelStore(new MemoryBucket(), { signing: false });
  const info = await importModel(store, source, { name: 'imported', ...options });
  await store.promote('imported', info.version, 'production');
  const predictor = new Predictor({ store, name: 'imported' });
  await predictor.load();
  return { store, info, predictor };
}

describe('importModel: tf.js folders', () => {
  it('stores a Layers folder as an ordinary version that predicts what tfjs says it should', async () => {
    const { store, info, predictor } = await importAndServe(join(fixtures, 'layers-gru'), { labels: ['a', 'b', 'c', 'd'] });
    expect(info.format).toBeUndefined();
    expect(info).toMatchObject({ formatVersion: 1, inputShape: [10], labels: ['a', 'b', 'c', 'd'], metadata: { imported: { format: 'tfjs-layers', source: 'layers-gru' } } });
    // tensorflow/tfjs e2e/integration_tests/load_predict_test.ts: this input, these outputs.
    const { probabilities } = await predictor.predict([86, 11, 62, 40, 36, 75, 82, 94, 67, 75]);
    const wanted = [-0.003578941337764263, 0.0028922036290168762, -0.002957976423203945, 0.00955402385443449];
    wanted.forEach((w, i) => expect(probabilities[0]?.[i]).toBeCloseTo(w, 6));
    // Ordinary: the store's own Layers loader reads it.
    (await store.load('imported', { version: info.version })).model.dispose();
    predictor.dispose();
  });

  it('stores a graph folder (tensorflowjs_converter output) and runs it: kernel · x + bias', async () => {
    const { info, predictor } = await importAndServe(join(fixtures, 'graph-dense', 'model.json'));
    expect(info).toMatchObject({ format: 'tfjs-graph', formatVersion: 2, inputShape: [1] });
    expect(info.files.map((f) => f.path).sort()).toEqual(['model.json', 'weights.bin']);
    const [kernel, bias] = new Float32Array(new Uint8Array(await readFile(join(fixtures, 'graph-dense', 'group1-shard1of1.bin'))).buffer);
    const { probabilities } = await predictor.predict([2, -1, 0.5], { batch: 3 });
    expect(probabilities.map((p) => p[0])).toEqual([2, -1, 0.5].map((x) => Math.fround(Math.fround((kernel as number) * x) + (bias as number))));
    predictor.dispose();
  });

  it('refuses a model.json that lists weights outside its folder, or whose weights are missing', async () => {
    const json = JSON.parse(await readFile(join(fixtures, 'graph-dense', 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const store = new ModelStore(new MemoryBucket(), { signing: false });
    const escaping = join(scratch, 'escaping');
    await rm(escaping, { recursive: true, force: true });
    await mkdir(escaping);
    json.weightsManifest[0]!.paths = ['../secret.bin'];
    await writeFile(join(escaping, 'model.json'), JSON.stringify(json));
    const outside = await rejection(importModel(store, escaping, { name: 'x' }));
    expect(outside.code).toBe('InvalidArgument');
    json.weightsManifest[0]!.paths = ['absent.bin'];
    await writeFile(join(escaping, 'model.json'), JSON.stringify(json));
    const missing = await rejection(importModel(store, escaping, { name: 'x' }));
    expect(missing.code).toBe('InvalidArgument');
    expect(missing.message).not.toContain(scratch);
    await writeFile(join(escaping, 'model.json'), '{"not": "a model"}');
    expect((await rejection(importModel(store, escaping, { name: 'x' }))).code).toBe('InvalidArgument');
    expect(await store.list('x')).toEqual([]);
  });
});
