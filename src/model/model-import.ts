/**
 * Bring your own model: store ONNX files and tf.js model folders trained
 * elsewhere as ordinary {@link ModelStore} versions, and let {@link Predictor}
 * serve them.
 *
 * A separate entry point on purpose: importing it puts ONNX Runtime Web and
 * tfjs-converter (optional peers) into an app's bundle, and `polyfaas bundle`
 * then ships ONNX Runtime's WebAssembly file; apps that serve only their own
 * tfjs models import `polyfaas/model` alone and carry neither.
 *
 * @example Import once (CLI or script), serve anywhere
 * ```ts
 * import { importModel, useOnnx } from 'polyfaas/model-import';
 * const info = await importModel(store, 'exports/cnn.onnx', { name: 'fashion', labels });
 * await store.promote('fashion', info.version, 'production');
 *
 * useOnnx();                                   // in the serving app, at start-up
 * const predictor = new Predictor({ store, name: 'fashion' });
 * ```
 *
 * @packageDocumentation
 */
export { importModel } from './import-model.js';
export { importOnnx } from './import-onnx.js';
export { importTfjsFolder } from './import-tfjs.js';
export { useOnnx, useTfjsGraph } from './use-formats.js';
export { ONNX_FILE } from './onnx-runner.js';
export { locateOnnxWasmFiles, ONNX_WASM_FILES, ONNX_WASM_DIR_ENV } from './onnx-runtime.js';
export type { ImportModelOptions, ImportPreprocessing } from './import-options.js';
export type { ReadModelFile } from './import-tfjs.js';
export type { LocateOnnxWasmOptions } from './onnx-runtime.js';
