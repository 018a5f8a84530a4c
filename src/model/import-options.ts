import * as tf from '@tensorflow/tfjs-core';
import { PolyfaasError } from '../errors.js';
import { isShape, type JsonValue, type ModelFormat } from './manifest.js';
import type { ModelRunner } from './runner.js';
import type { StoredFileFields } from './store.js';

/**
 * How raw 8-bit pixels become model input, recorded as `metadata.preprocessing`
 * (the image pipeline's `/predict` applies it): `(pixel · scale − mean[c]) / std[c]`.
 * PyTorch's `ToTensor()` + `Normalize(mean, std)` is `scale: 1/255` plus the same `mean` and `std`.
 */
export interface ImportPreprocessing {
  /** Multiplier for raw 0–255 values. Default 1/255. */
  scale?: number;
  /** Per-channel mean subtracted after scaling; empty for none. */
  mean?: readonly number[];
  /** Per-channel standard deviation divided by; empty for none. */
  std?: readonly number[];
}

/** Options for {@link importModel}. */
export interface ImportModelOptions {
  /** Model name in the store. */
  name: string;
  /** Class names in output order; their number must match the model's output size. */
  labels?: readonly string[];
  /**
   * Shape of one request example, without the batch dimension (`[H, W, C]` for
   * images, also for channels-first ONNX models). Default: read from the model;
   * required when the model leaves a dimension open.
   */
  inputShape?: readonly number[];
  /** Pixel scaling the model was trained with; recorded in `metadata.preprocessing`. */
  preprocessing?: ImportPreprocessing;
  /**
   * ONNX only: the model takes `[C, H, W]` images and requests send `[H, W, C]`.
   * Default: true when the model's input is `[1 or 3, H, W]` with H, W ≥ 8
   * (PyTorch's image layout).
   */
  channelsFirst?: boolean;
  /** Evaluation metrics to record, e.g. `{ accuracy: 0.91 }`. */
  metrics?: Record<string, number>;
  /** Any JSON to record beside the import details. */
  metadata?: Record<string, JsonValue>;
}

/** What a model declares about its input and output, once run on zeros. */
export interface ImportedShape {
  inputShape: number[];
  outputSize: number;
}

/**
 * The manifest fields for an imported model: the caller's labels, metrics and
 * metadata checked against what the model showed, plus where it came from.
 */
export function importedFields(format: ModelFormat, shape: ImportedShape, options: ImportModelOptions, source: string): StoredFileFields {
  const labels = [...(options.labels ?? [])];
  if (!labels.every((l) => typeof l === 'string' && l.length > 0)) throw invalid('labels must be non-empty strings');
  if (labels.length > 0 && labels.length !== shape.outputSize) {
    throw invalid(`${labels.length} labels given but the model outputs ${shape.outputSize} values`, { labels: labels.length, outputSize: shape.outputSize });
  }
  const metrics = { ...(options.metrics ?? {}) };
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`metric ${key} must be a finite number`);
  }
  const preprocessing = options.preprocessing ? checkPreprocessing(options.preprocessing, shape.inputShape.at(-1) ?? 1) : undefined;
  const metadata: Record<string, JsonValue> = {
    ...jsonObject(options.metadata ?? {}),
    imported: { format, source },
    ...(preprocessing ? { preprocessing } : {}),
  };
  return { format, inputShape: shape.inputShape, labels, metrics, metadata };
}

/**
 * The example shape to serve: the caller's, checked against the model's
 * declared one (`undefined` entries are dimensions the model leaves open).
 */
export function resolveInputShape(declared: readonly (number | undefined)[], given: readonly number[] | undefined): number[] {
  if (given !== undefined) {
    if (!isShape(given)) throw invalid(`inputShape ${JSON.stringify(given)} must be a list of positive integers`);
    const fits = given.length === declared.length && declared.every((d, i) => d === undefined || d === given[i]);
    if (!fits) throw invalid(`inputShape ${JSON.stringify(given)} does not fit the model's input ${describeShape(declared)}`, { declared: describeShape(declared) });
    return [...given];
  }
  if (declared.length === 0 || declared.some((d) => d === undefined)) {
    throw invalid(`The model's input ${describeShape(declared)} is not fully known; pass inputShape (one example, without the batch dimension)`, {
      declared: describeShape(declared),
    });
  }
  return declared as number[];
}

function describeShape(dims: readonly (number | undefined)[]): string {
  return `[${dims.map((d) => d ?? '?').join(',')}]`;
}

function checkPreprocessing(p: ImportPreprocessing, channels: number): Record<string, JsonValue> {
  const scale = p.scale ?? 1 / 255;
  const mean = [...(p.mean ?? [])];
  const std = [...(p.std ?? [])];
  if (!Number.isFinite(scale) || scale <= 0) throw invalid('preprocessing.scale must be a positive number');
  if (!mean.every(Number.isFinite)) throw invalid('preprocessing.mean must be finite numbers');
  if (!std.every((s) => Number.isFinite(s) && s > 0)) throw invalid('preprocessing.std must be positive numbers');
  for (const [field, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length > 0 && values.length !== channels) throw invalid(`preprocessing.${field} has ${values.length} values for ${channels} channels`);
  }
  return { scale, mean, std };
}

function jsonObject(value: Record<string, JsonValue>): Record<string, JsonValue> {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'metadata must be JSON-serialisable', { cause: err });
  }
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) throw invalid('metadata must be a JSON object');
  return copy as Record<string, JsonValue>;
}

/** An `InvalidArgument` about the model being imported. */
export function invalid(message: string, details?: Record<string, unknown>): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message, details ? { details } : {});
}

/** Run `runner` on one example of zeros; the output size, or `InvalidArgument` if it does not run. */
export async function runOnZeros(runner: ModelRunner, inputShape: readonly number[], kind: string): Promise<number> {
  const zeros = tf.zeros([1, ...inputShape]);
  try {
    return (await runner.run(zeros)).values.length;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `The ${kind} model does not run on input shape [${inputShape.join(',')}]: ${(err as Error).message.slice(0, 300)}`, {
      cause: err,
      details: { inputShape },
    });
  } finally {
    zeros.dispose();
  }
}
