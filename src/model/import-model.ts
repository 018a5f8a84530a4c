import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import { MODEL_JSON } from './bucket-io.js';
import { importOnnx } from './import-onnx.js';
import { invalid, type ImportModelOptions } from './import-options.js';
import { importTfjsFolder } from './import-tfjs.js';
import type { ModelVersionInfo } from './manifest.js';
import type { ModelStore } from './store.js';

/** File extensions of Keras models, which polyfaas does not import (see README "Bring your own model"). */
const KERAS_EXTENSIONS = new Set(['.keras', '.h5', '.hdf5']);

/**
 * Store a model trained elsewhere as a new, verified version in `store`
 * (signed when the store has a signing key), recording its input shape,
 * labels and preprocessing. Serve it with {@link Predictor} like any other
 * version: `/predict` does not care where it came from.
 *
 * `source` is a local path:
 * - a `.onnx` file (e.g. from `torch.onnx.export`), or a folder holding exactly one;
 * - a tf.js model folder (`model.json` + weight shards, Layers or graph format), or its `model.json`.
 *
 * Keras `.keras` / `.h5` files are refused with `Unimplemented`: convert them
 * with `tensorflowjs_converter` (to a tf.js folder) or `tf2onnx` first.
 *
 * @example
 * ```ts
 * const info = await importModel(store, 'exports/cnn.onnx', {
 *   name: 'fashion', labels: ['T-shirt', 'Trouser', …], preprocessing: { scale: 1 / 255, mean: [0.286], std: [0.353] },
 * });
 * await store.promote('fashion', info.version, 'production');
 * ```
 *
 * @throws `InvalidArgument` for a path that cannot be read, an unknown format, or a model that does not load or fit the options.
 * @throws `Unimplemented` for Keras files.
 * @throws `Unavailable` when the runtime the format needs (`onnxruntime-web`, `@tensorflow/tfjs-converter`) is not installed.
 */
export async function importModel(store: ModelStore, source: string, options: ImportModelOptions): Promise<ModelVersionInfo> {
  const kind = await sourceKind(source);
  if (kind.format === 'onnx') return importOnnx(store, await readSource(kind.file), options, basename(kind.file));
  return importTfjsFolder(store, (name) => readSource(join(kind.folder, name)), options, basename(kind.folder));
}

type SourceKind = { format: 'onnx'; file: string } | { format: 'tfjs'; folder: string };

async function sourceKind(source: string): Promise<SourceKind> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(source)).isDirectory();
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Cannot read ${source}`, { cause: err });
  }
  if (!isFolder) {
    const ext = extname(source).toLowerCase();
    if (ext === '.onnx') return { format: 'onnx', file: source };
    if (basename(source) === MODEL_JSON) return { format: 'tfjs', folder: dirname(source) };
    if (KERAS_EXTENSIONS.has(ext)) {
      throw new PolyfaasError('Unimplemented', 'Keras files are not imported directly: convert with tensorflowjs_converter (to a tf.js folder) or tf2onnx (to ONNX), then import that', {
        details: { format: 'keras' },
      });
    }
    throw invalid(`${basename(source)} is not a model polyfaas imports: give a .onnx file or a tf.js folder (model.json + weight shards)`);
  }
  const names = await readdir(source);
  if (names.includes(MODEL_JSON)) return { format: 'tfjs', folder: source };
  const onnx = names.filter((n) => extname(n).toLowerCase() === '.onnx');
  if (onnx.length === 1) return { format: 'onnx', file: join(source, onnx[0] as string) };
  throw invalid(onnx.length > 1 ? `${basename(source)} holds several .onnx files; give one` : `${basename(source)} holds neither model.json nor a .onnx file`);
}

async function readSource(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (isPolyfaasError(err)) throw err;
    throw new PolyfaasError('InvalidArgument', `Cannot read ${basename(path)} (next to the model)`, { cause: err, details: { file: basename(path) } });
  }
}
