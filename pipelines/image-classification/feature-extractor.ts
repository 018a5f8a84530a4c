import * as tfl from '@tensorflow/tfjs-layers';
import type { JsonValue } from '../../src/model/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';

/**
 * Which stored model turns images into feature vectors, and where it is cut.
 * Set as `preprocess.extractor` of the pipeline.
 */
export interface FeatureExtractorSettings {
  /** Model name in the model store. */
  readonly model: string;
  /** Exact version to use. Default: the version `alias` points to when preprocessing runs. */
  readonly version?: string;
  /** Alias to resolve when no `version` is given. Default `production`. */
  readonly alias?: string;
  /** Name of the layer whose output is the feature vector. Default: the penultimate layer. */
  readonly layer?: string;
  /** Prefix of the model store in the bucket. Default `models/`. */
  readonly modelsPrefix?: string;
}

/** The exact extractor a features run used, as recorded in the features and model manifests. */
export interface ExtractorRef {
  readonly model: string;
  readonly version: string;
  /** The requested layer, or undefined for the penultimate one (the resolved name is in {@link CutModel.layer}). */
  readonly layer?: string;
  readonly modelsPrefix: string;
}

/** A model cut at one layer, with every layer frozen. */
export interface CutModel {
  /** Image batch in, `[batch, dim]` features out. Shares layers (and weights) with the source model. */
  readonly model: tfl.LayersModel;
  /** Name of the layer the features come from. */
  readonly layer: string;
  /** Length of one feature vector. */
  readonly dim: number;
}

/**
 * Cut `model` at the layer named `layer` (default: the layer feeding the
 * output layer), flattening its output to one vector per example, and freeze
 * every layer so nothing trained on top can change the extractor's weights.
 *
 * The cut model shares layers with `model`: dispose `model` when done, not the cut.
 *
 * @throws PolyfaasError `InvalidArgument` if there is no such layer, or the
 *   model is too small to have a penultimate layer; `details.layers` lists the names.
 */
export function cutAtLayer(model: tfl.LayersModel, layer?: string): CutModel {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const names = layers.map((l) => l.name);
  const chosen = layer === undefined ? layers[layers.length - 2] : layers.find((l) => l.name === layer);
  if (!chosen) {
    const why = layer === undefined ? 'has no penultimate layer' : `has no layer "${layer}"`;
    throw new PolyfaasError('InvalidArgument', `Feature extractor ${model.name} ${why}; its layers are ${names.join(', ')}`, {
      details: { reason: 'unknown-layer', ...(layer !== undefined ? { layer } : {}), layers: names },
    });
  }
  if (model.inputs.length !== 1 || chosen.inboundNodes.length !== 1) {
    throw new PolyfaasError('InvalidArgument', `Feature extractor ${model.name}: layer "${chosen.name}" must be used once in a single-input model`, {
      details: { reason: 'unsupported-layer', layer: chosen.name },
    });
  }
  const output = chosen.output as tfl.SymbolicTensor;
  // Conv or pooling outputs become one flat vector per example: heads are dense layers.
  const flat = output.shape.length > 2 ? (tfl.layers.flatten({ name: `${chosen.name}_features` }).apply(output) as tfl.SymbolicTensor) : output;
  const dim = flat.shape[1];
  if (typeof dim !== 'number' || dim <= 0) {
    throw new PolyfaasError('InvalidArgument', `Feature extractor ${model.name}: layer "${chosen.name}" has no fixed output size`, {
      details: { reason: 'unsupported-layer', layer: chosen.name },
    });
  }
  for (const l of model.layers) l.trainable = false;
  const cut = tfl.model({ inputs: model.inputs, outputs: flat, name: `${model.name}_cut` });
  for (const l of cut.layers) l.trainable = false;
  return { model: cut, layer: chosen.name, dim };
}

/**
 * The exact version `settings` select, checked to exist: the one to record
 * before any work, so a moved alias cannot change features half-way.
 *
 * @throws PolyfaasError `NotFound` if the model, version or alias does not exist.
 */
export async function resolveExtractor(bucket: Bucket, settings: FeatureExtractorSettings): Promise<ExtractorRef> {
  const modelsPrefix = settings.modelsPrefix ?? 'models/';
  const store = new ModelStore(bucket, { prefix: modelsPrefix });
  const version = settings.version ?? (await store.resolveAlias(settings.model, settings.alias ?? 'production')).version;
  await store.info(settings.model, version);
  return { model: settings.model, version, ...(settings.layer !== undefined ? { layer: settings.layer } : {}), modelsPrefix };
}

/** A loaded, cut, frozen extractor. Call {@link LoadedExtractor.dispose} when done. */
export interface LoadedExtractor extends CutModel {
  readonly ref: ExtractorRef;
  /** Shape of one input example, from the source model's manifest. */
  readonly inputShape: readonly number[];
  /** How the source model scaled its pixels, when its manifest says. */
  readonly preprocessing?: JsonValue;
  /** Free the source model's weights (and so the cut's). */
  dispose(): void;
}

/**
 * Load the extractor `ref` names (integrity- and signature-checked like any
 * model load) and cut it.
 *
 * @throws PolyfaasError `NotFound`, `DataLoss`, `Forbidden` as {@link ModelStore.load}; `InvalidArgument` for a bad layer.
 */
export async function loadExtractor(bucket: Bucket, ref: ExtractorRef): Promise<LoadedExtractor> {
  const store = new ModelStore(bucket, { prefix: ref.modelsPrefix });
  const { model, info } = await store.load(ref.model, { version: ref.version });
  let cut: CutModel;
  try {
    cut = cutAtLayer(model, ref.layer);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return {
    ...cut,
    ref,
    inputShape: info.inputShape,
    ...(info.metadata.preprocessing !== undefined ? { preprocessing: info.metadata.preprocessing } : {}),
    dispose: () => model.dispose(),
  };
}

/** Check that an extractor takes the images preprocessing produces. @throws PolyfaasError `InvalidArgument`. */
export function assertExtractorInput(extractor: Pick<LoadedExtractor, 'ref' | 'inputShape'>, shape: readonly number[]): void {
  if (extractor.inputShape.length !== shape.length || extractor.inputShape.some((d, i) => d !== shape[i])) {
    throw new PolyfaasError(
      'InvalidArgument',
      `Feature extractor ${extractor.ref.model} takes input ${JSON.stringify(extractor.inputShape)}, but preprocessing produces ${JSON.stringify(shape)}`,
      { details: { reason: 'input-shape', expected: [...extractor.inputShape], actual: [...shape] } },
    );
  }
}
