import { isPolyfaasError, PolyfaasError } from '../errors.js';
import type { AliasInfo } from './aliases.js';
import { formatOf, type ModelFormat, type ModelVersionInfo } from './manifest.js';
import { runnerLoader } from './model-formats.js';
import { layersRunner, type ModelRunner } from './runner.js';
import type { LoadedModel, ModelSelector, ModelStore } from './store.js';

/** A version loaded for serving, in whatever format it was stored. The caller owns `runner`. */
export interface OpenedRunner {
  readonly runner: ModelRunner;
  readonly info: ModelVersionInfo;
  readonly alias?: AliasInfo;
  readonly signedBy?: string;
}

/**
 * Load a version for serving: verify it like {@link ModelStore.load} does,
 * then pick the runtime its manifest's `format` names: tfjs Layers always,
 * ONNX and tfjs graph once the app enabled them (`useOnnx()`, `useTfjsGraph()`),
 * so apps serving their own models never bundle those runtimes.
 *
 * @throws like {@link ModelStore.load}; `DataLoss` when verified files do not load;
 *   `Unimplemented` for a format the app did not enable.
 */
export async function openRunner(store: ModelStore, name: string, selector: ModelSelector): Promise<OpenedRunner> {
  // The common case first, at the cost it always had (one manifest read): the store's own Layers loader.
  try {
    return fromLayers(await store.load(name, selector));
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed') || err.details?.format === undefined) throw err;
  }
  const opened = await store.open(name, selector);
  const { info, alias, signedBy } = opened;
  // The alias moved to a Layers version between the two reads: load that one exactly.
  if (formatOf(info) === 'tfjs-layers') return { ...fromLayers(await store.load(name, { version: info.version })), ...(alias ? { alias } : {}) };
  const load = runnerLoader(formatOf(info) as Exclude<ModelFormat, 'tfjs-layers'>, name);
  let runner: ModelRunner;
  try {
    runner = await load(opened);
  } catch (err) {
    // A missing optional runtime or a file that failed its digest says so itself.
    if (isPolyfaasError(err, 'Unavailable', 'DataLoss')) throw err;
    // The bytes matched their digests, so the stored model itself cannot be run.
    const reason = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
    throw new PolyfaasError('DataLoss', `Model ${name} version ${info.version} (${formatOf(info)}) could not be loaded: ${reason}`, {
      cause: err,
      details: { name, version: info.version, format: formatOf(info) },
    });
  }
  return { runner, info, ...(alias ? { alias } : {}), ...(signedBy ? { signedBy } : {}) };
}

function fromLayers(loaded: LoadedModel): OpenedRunner {
  const { model, ...rest } = loaded;
  return { runner: layersRunner(model), ...rest };
}
