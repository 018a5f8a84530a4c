import * as tf from '@tensorflow/tfjs-core';
import { PolyfaasError } from '../errors.js';
import { validatePrefix } from '../storage/keys.js';
import type { Bucket } from '../storage/types.js';
import { describeFile, verifyFile, type ModelFileEntry } from './manifest.js';

/** File name of the topology + weights manifest, as tfjs's own `file://` and `http://` handlers use. */
export const MODEL_JSON = 'model.json';
/** File name of the concatenated weights. */
export const WEIGHTS_BIN = 'weights.bin';

/** Options for {@link bucketIOHandler}. */
export interface BucketIOOptions {
  /**
   * Replace files that already exist under the prefix. Default `false`: every
   * write uses `ifNoneMatch: '*'` and a second save to the same prefix fails
   * with `PreconditionFailed`, so saved models are immutable.
   */
  overwrite?: boolean;
  /**
   * When set, `load` checks every file it reads against these entries (size
   * and SHA-256) before handing anything to tfjs, and refuses files that are
   * not listed. The model store passes the version's manifest here.
   */
  expectedFiles?: readonly ModelFileEntry[];
}

/** A tfjs `IOHandler` that saves to and loads from a {@link Bucket}. */
export interface BucketIOHandler extends tf.io.IOHandler {
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  load(): Promise<tf.io.ModelArtifacts>;
  /** Size and SHA-256 of each file the last `save` wrote, in write order. */
  readonly written: readonly ModelFileEntry[];
}

/**
 * A tfjs `IOHandler` storing a Layers model as `<prefix>model.json` and
 * `<prefix>weights.bin` in any bucket — the same two files tfjs writes to disk,
 * so `tf.loadLayersModel('file://…/model.json')` can read a downloaded copy.
 *
 * `weights.bin` is written before `model.json`, so a reader that finds
 * `model.json` also finds the weights it references. Two files are not one
 * atomic write, though: use {@link ModelStore} when readers must never see a
 * half-saved model.
 *
 * @param prefix folder for the files, e.g. `checkpoints/run-7/epoch-003/` (a
 *   trailing `/` is added if missing).
 *
 * @example Checkpoint during training, restore later
 * ```ts
 * await model.save(bucketIOHandler(bucket, `checkpoints/${runId}/epoch-${epoch}/`));
 * const restored = await tf.loadLayersModel(bucketIOHandler(bucket, `checkpoints/${runId}/epoch-${epoch}/`));
 * ```
 */
export function bucketIOHandler(bucket: Bucket, prefix: string, options: BucketIOOptions = {}): BucketIOHandler {
  const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
  validatePrefix(folder);
  const written: ModelFileEntry[] = [];
  const putOptions = (contentType: string) => (options.overwrite ? { contentType } : { contentType, ifNoneMatch: '*' as const });

  const write = async (path: string, bytes: Uint8Array, contentType: string): Promise<void> => {
    await bucket.put(folder + path, bytes, putOptions(contentType));
    written.push(describeFile(path, bytes));
  };

  const read = async (path: string): Promise<Uint8Array> => {
    const location = folder + path;
    const expected = options.expectedFiles;
    const entry = expected?.find((f) => f.path === path);
    if (expected && !entry) {
      throw new PolyfaasError('DataLoss', `Model file ${location} is referenced by model.json but not listed in the manifest`, {
        details: { file: location },
      });
    }
    const { body } = await bucket.get(location);
    if (entry) verifyFile(entry, body, location);
    return body;
  };

  return {
    get written() {
      return written;
    },

    async save(artifacts) {
      written.length = 0;
      const { modelJson, weights } = encodeArtifacts(artifacts);
      await write(WEIGHTS_BIN, weights, 'application/octet-stream');
      await write(MODEL_JSON, modelJson, 'application/json');
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load() {
      const modelJson = parseModelJson(await read(MODEL_JSON), folder + MODEL_JSON);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) {
            if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(path)) {
              // Weights must live beside model.json; a path like ../other/weights.bin would read another model.
              throw new PolyfaasError('DataLoss', `model.json under ${folder} references weights outside its folder: ${path}`, {
                details: { file: folder + MODEL_JSON, path },
              });
            }
            const bytes = await read(path);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * The two files a model is stored as: `model.json` (topology, weights manifest
 * pointing at `weights.bin`) and `weights.bin` (every weight, concatenated).
 * Layers and graph models alike.
 *
 * @throws `Unimplemented` for a binary (non-JSON) topology.
 */
export function encodeArtifacts(artifacts: tf.io.ModelArtifacts): { modelJson: Uint8Array; weights: Uint8Array } {
  const topology = artifacts.modelTopology;
  if (topology === undefined || topology instanceof ArrayBuffer) {
    throw new PolyfaasError('Unimplemented', 'Only models with a JSON topology can be stored');
  }
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: topology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.signature ? { signature: artifacts.signature } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    ...(artifacts.modelInitializer ? { modelInitializer: artifacts.modelInitializer } : {}),
    ...(artifacts.initializerSignature ? { initializerSignature: artifacts.initializerSignature } : {}),
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(modelJson)), weights };
}

/**
 * Parse `model.json` bytes, checking it is a tfjs model (Layers or graph).
 *
 * @throws `DataLoss` naming `location` when it is not.
 */
export function parseModelJson(bytes: Uint8Array, location: string): tf.io.ModelJSON {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new PolyfaasError('DataLoss', `${location} is not valid JSON`, { cause: err, details: { file: location } });
  }
  const json = parsed as Partial<tf.io.ModelJSON> | null;
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new PolyfaasError('DataLoss', `${location} is not a tfjs model.json (modelTopology / weightsManifest missing)`, {
      details: { file: location },
    });
  }
  return json as tf.io.ModelJSON;
}
