import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import { encodeArtifacts, MODEL_JSON, parseModelJson, WEIGHTS_BIN } from './bucket-io.js';
import { graphRunner, loadConverter } from './graph-runner.js';
import { importedFields, invalid, resolveInputShape, runOnZeros, type ImportModelOptions } from './import-options.js';
import type { ModelVersionInfo } from './manifest.js';
import { layersRunner } from './runner.js';
import type { ModelStore } from './store.js';

/** Reads one file of the folder being imported, by its name in `model.json`. */
export type ReadModelFile = (name: string) => Promise<Uint8Array>;

/**
 * Store a tf.js model folder (`model.json` + weight shards, as
 * `model.save('file://…')` or `tensorflowjs_converter` write them) as a new
 * version of `options.name`. Layers models become ordinary versions (as if
 * trained here); graph models are stored as `model.json` + `weights.bin` with
 * `format: 'tfjs-graph'` and need the optional peer `@tensorflow/tfjs-converter` to serve.
 *
 * @param read returns a file of the folder; only `model.json` and the shards it lists are read.
 * @throws `InvalidArgument` for a `model.json` that is not a tf.js model, a shard outside the
 *   folder or missing, weights that do not match, labels / input shape that do not fit.
 */
export async function importTfjsFolder(store: ModelStore, read: ReadModelFile, options: ImportModelOptions, source = MODEL_JSON): Promise<ModelVersionInfo> {
  const artifacts = await readArtifacts(read);
  return isGraph(artifacts) ? importGraph(store, artifacts, options, source) : importLayers(store, artifacts, options, source);
}

async function readArtifacts(read: ReadModelFile): Promise<tf.io.ModelArtifacts> {
  let json: tf.io.ModelJSON;
  try {
    json = parseModelJson(await read(MODEL_JSON), MODEL_JSON);
  } catch (err) {
    if (isPolyfaasError(err, 'DataLoss')) throw new PolyfaasError('InvalidArgument', err.message, { cause: err, details: { file: MODEL_JSON } });
    throw err;
  }
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const path of manifest.flatMap((group) => group.paths)) {
      // Shards must sit beside model.json: `../x.bin` would read files the user did not mean to import.
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(path)) throw invalid(`model.json lists a weight file outside its folder: ${path.slice(0, 80)}`);
      const bytes = await read(path);
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    return [manifest.flatMap((group) => group.weights), tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

function isGraph(artifacts: tf.io.ModelArtifacts): boolean {
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  return artifacts.format === 'graph-model' || Array.isArray(topology?.node);
}

async function importLayers(store: ModelStore, artifacts: tf.io.ModelArtifacts, options: ImportModelOptions, source: string): Promise<ModelVersionInfo> {
  const model = await loadOrInvalid(() => tfl.loadLayersModel(tf.io.fromMemory(artifacts)), 'tf.js Layers');
  try {
    const modelShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => (d === null ? undefined : d));
    const inputShape = resolveInputShape(modelShape, options.inputShape);
    // Run it once, as every import does: a model that loads but cannot run fails here, not at the first request.
    const outputSize = await runOnZeros(layersRunner(model), inputShape, 'Layers');
    const fields = importedFields('tfjs-layers', { inputShape, outputSize }, options, source);
    // An ordinary version, exactly as if trained here.
    return await store.save(options.name, model, { inputShape, labels: fields.labels, metrics: { ...fields.metrics }, metadata: { ...fields.metadata } });
  } finally {
    model.dispose();
  }
}

async function importGraph(store: ModelStore, artifacts: tf.io.ModelArtifacts, options: ImportModelOptions, source: string): Promise<ModelVersionInfo> {
  const { loadGraphModel } = await loadConverter();
  const model = await loadOrInvalid(() => loadGraphModel(tf.io.fromMemory(artifacts)), 'tf.js graph');
  const runner = graphRunner(model);
  try {
    const [, ...example] = model.inputs[0]?.shape ?? [];
    const inputShape = resolveInputShape(example.map((d) => (d > 0 ? d : undefined)), options.inputShape);
    const outputSize = await runOnZeros(runner, inputShape, 'graph');
    const fields = importedFields('tfjs-graph', { inputShape, outputSize }, options, source);
    const { modelJson, weights } = encodeArtifacts(artifacts);
    return await store.saveFiles(
      options.name,
      [
        { path: WEIGHTS_BIN, bytes: weights },
        { path: MODEL_JSON, bytes: modelJson, contentType: 'application/json' },
      ],
      fields,
    );
  } finally {
    runner.dispose();
  }
}

async function loadOrInvalid<T>(load: () => Promise<T>, kind: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isPolyfaasError(err)) throw err;
    throw new PolyfaasError('InvalidArgument', `Not a ${kind} model tfjs can load: ${(err as Error).message.slice(0, 300)}`, { cause: err });
  }
}
