import type * as tfl from '@tensorflow/tfjs-layers';
import { PolyfaasError } from '../errors.js';
import { isShape, type JsonValue } from './manifest.js';

/** Options for {@link ModelStore.save}; all end up in the version's manifest. */
export interface SaveModelOptions {
  /** Evaluation metrics, e.g. `{ accuracy: 0.981, loss: 0.06 }`. Must be finite numbers. */
  metrics?: Record<string, number>;
  /** Class names in output order; must match the output size when that is known. */
  labels?: readonly string[];
  /** Shape of one example without the batch dimension. Default: read from the model's input. */
  inputShape?: readonly number[];
  /** Any JSON: training run, dataset, git commit, … */
  metadata?: Record<string, JsonValue>;
}

/** The manifest fields derived from a model and the caller's options. */
export interface ResolvedSaveOptions {
  inputShape: number[];
  labels: string[];
  metrics: Record<string, number>;
  metadata: Record<string, JsonValue>;
}

/**
 * Check the caller's options against the model now, at save time, because a
 * mistake here would otherwise surface only when a server loads the model.
 */
export function resolveSaveOptions(model: tfl.LayersModel, options: SaveModelOptions): ResolvedSaveOptions {
  if (model.inputs.length !== 1) {
    throw invalid(`ModelStore saves single-input models; this one has ${model.inputs.length} inputs`);
  }
  const modelShape = (model.inputs[0]?.shape ?? []).slice(1);
  const inputShape = options.inputShape ? [...options.inputShape] : modelShape;
  if (!isShape(inputShape)) {
    throw invalid(`Input shape ${JSON.stringify(inputShape)} is not fully known; pass inputShape (one example, without the batch dimension)`);
  }
  const compatible = inputShape.length === modelShape.length && modelShape.every((d, i) => d === null || d === inputShape[i]);
  if (!compatible) {
    throw invalid(`inputShape ${JSON.stringify(inputShape)} does not fit the model's input ${JSON.stringify(modelShape)}`);
  }

  const labels = [...(options.labels ?? [])];
  if (!labels.every((l) => typeof l === 'string')) throw invalid('labels must be strings');
  const outputSize = model.outputs[0]?.shape.at(-1);
  if (labels.length > 0 && typeof outputSize === 'number' && labels.length !== outputSize) {
    throw invalid(`${labels.length} labels given but the model outputs ${outputSize} values`);
  }

  const metrics = { ...(options.metrics ?? {}) };
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`metric ${key} must be a finite number`);
  }

  const metadata = options.metadata ?? {};
  let roundTripped: unknown;
  try {
    roundTripped = JSON.parse(JSON.stringify(metadata));
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'metadata must be JSON-serialisable', { cause: err });
  }
  if (typeof roundTripped !== 'object' || roundTripped === null || Array.isArray(roundTripped)) {
    throw invalid('metadata must be a JSON object');
  }
  return { inputShape, labels, metrics, metadata: roundTripped as Record<string, JsonValue> };
}

function invalid(message: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message);
}
