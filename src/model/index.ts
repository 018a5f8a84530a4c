/**
 * Versioned models on any bucket — TensorFlow.js models trained here, ONNX
 * and tf.js models imported with {@link importModel} — and a predictor that
 * serves whichever version an alias points to.
 *
 * - {@link ModelStore}: save immutable, integrity-checked versions; promote them
 *   with aliases (`production`, `staging`, …); list, load and delete them.
 * - {@link Predictor}: load the aliased model in a function's `init`, validate
 *   and run requests, follow promotions without downtime.
 * - {@link bucketIOHandler}: the raw tfjs `IOHandler` (e.g. for training checkpoints).
 *
 * Storage layout (see `store.ts`):
 * ```text
 * <prefix><name>/versions/<version>/model.json
 * <prefix><name>/versions/<version>/weights.bin
 * <prefix><name>/versions/<version>/model.sig       ← only with a signing key
 * <prefix><name>/versions/<version>/manifest.json   ← written last; a version exists iff this does
 * <prefix><name>/aliases/<alias>.json
 * ```
 *
 * @example
 * ```ts
 * const store = new ModelStore(bucket);                       // prefix 'models/'
 * const { version } = await store.save('mnist', model, { labels, metrics: { accuracy } });
 * await store.promote('mnist', version, 'production');
 *
 * const predictor = new Predictor({ store, name: 'mnist' });  // alias 'production'
 * await predictor.load();
 * const { probabilities } = await predictor.predict(pixels);
 * ```
 *
 * @packageDocumentation
 */

/** The model registry over a bucket. */
export { ModelStore } from './store.js';
export type { ModelStoreOptions, ModelSelector, LoadedModel, VerifiedVersion, OpenedVersion, StoredFile, StoredFileFields } from './store.js';
/** Model signing: keys, environment variables and policy (see docs/security.md). */
export { ModelSigningKey, ModelVerifyKey, MODEL_SIGNING_ALGORITHMS } from './signing-keys.js';
export type { ModelSigningAlgorithm } from './signing-keys.js';
export { modelSigningFromEnv, ModelTrust, SIGNING_KEY_ENV, SIGNING_KEY_ID_ENV, VERIFY_KEYS_ENV, REQUIRE_SIGNATURE_ENV } from './signing-policy.js';
export type { ModelSigningOptions } from './signing-policy.js';
export { MODEL_SIGNATURE_FILE } from './signing-bundle.js';
export type { DsseEnvelope, UntrustedReason } from './signing-dsse.js';
/** Options recorded in a version's manifest at save time. */
export type { SaveModelOptions } from './save-options.js';
/** Manifest types: what a saved version records about itself. */
export { MODEL_FORMAT_VERSION, MODEL_FORMATS } from './manifest.js';
export type { ModelVersionInfo, ModelFileEntry, JsonValue } from './manifest.js';
/** Alias records (`<prefix><name>/aliases/<alias>.json`). */
export { ALIAS_HISTORY_LIMIT } from './aliases.js';
export type { AliasInfo, AliasRecord, AliasHistoryEntry } from './aliases.js';
/** Key layout helper, for tools that inspect a store's bucket directly. */
export { ModelLayout, MANIFEST_JSON } from './layout.js';
/** The tfjs IOHandler for buckets (checkpoints, raw model folders). */
export { bucketIOHandler, MODEL_JSON, WEIGHTS_BIN } from './bucket-io.js';
export type { BucketIOHandler, BucketIOOptions } from './bucket-io.js';
/** Time-sortable version ids. */
export { newVersionId, isVersionId } from './version-id.js';
/** Serving: load, validate, predict, hot-swap on promotion. */
export { Predictor } from './predictor.js';
export type { PredictorOptions, PredictOptions, Prediction } from './predictor.js';
export type { PredictInput } from './predict-input.js';
/** Bring your own model: the runtime parts (ONNX, graph models, importers) live in `polyfaas/model-import`, so apps that do not use them never bundle them. */
export type { ImportModelOptions, ImportPreprocessing } from './import-options.js';
export type { ReadModelFile } from './import-tfjs.js';
export type { LocateOnnxWasmOptions } from './onnx-runtime.js';
export type { ModelFormat } from './manifest.js';
export type { ModelRunner, RunnerOutput } from './runner.js';

// TensorFlow.js backend selection lives with the models it runs.
export {
  currentBackend,
  initBackend,
  locateWasmFiles,
  registerWasmGradientKernels,
  WASM_BINARY_NAMES,
} from '../tf/index.js';
export type { BackendInfo, BackendLogger, BackendName, InitBackendOptions, LocateWasmFilesOptions, WasmFilesLocation } from '../tf/index.js';
