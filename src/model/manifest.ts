import { createHash } from 'node:crypto';
import { PolyfaasError } from '../errors.js';

/**
 * The newest manifest format this polyfaas reads; loaders refuse newer ones.
 * Bumped when the layout or manifest fields change incompatibly. Layers models
 * are still written as format 1 (every polyfaas reads them); imported ONNX and
 * tfjs graph models are written as 2, so an older polyfaas refuses them with
 * "upgrade" instead of mistaking them for Layers models.
 */
export const MODEL_FORMAT_VERSION = 2;

/** Manifest format written for tfjs Layers models (readable by every polyfaas). */
export const LAYERS_FORMAT_VERSION = 1;

/**
 * How a version's files are run:
 * - `tfjs-layers`: `model.json` + `weights.bin`, a tfjs LayersModel (what training saves);
 * - `tfjs-graph`: `model.json` + `weights.bin`, a tfjs GraphModel (converted from TensorFlow);
 * - `onnx`: `model.onnx`, run by ONNX Runtime Web (what PyTorch exports).
 */
export type ModelFormat = 'tfjs-layers' | 'tfjs-graph' | 'onnx';

/** Every {@link ModelFormat}. */
export const MODEL_FORMATS: readonly ModelFormat[] = ['tfjs-layers', 'tfjs-graph', 'onnx'];

/** Size and digest of one file of a saved model, as recorded in its manifest. */
export interface ModelFileEntry {
  /** File name relative to the version folder, e.g. `weights.bin`. */
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/** JSON-compatible value allowed in {@link ModelVersionInfo.metadata}. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Everything known about one saved model version: the parsed `manifest.json`.
 * A version exists exactly when its manifest does.
 */
export interface ModelVersionInfo {
  /** Layout/manifest format, currently {@link MODEL_FORMAT_VERSION}. */
  readonly formatVersion: number;
  /** Model name, e.g. `mnist`. */
  readonly name: string;
  /** Immutable version id, sortable by time, e.g. `20261127T034512123Z-a1b2c3`. */
  readonly version: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
  /** Shape of ONE example, without the batch dimension, e.g. `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Class names in output order; empty if none were given. */
  readonly labels: readonly string[];
  /** Evaluation metrics recorded at save time, e.g. `{ accuracy: 0.98 }`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Free-form JSON the caller attached (training run id, dataset, …). */
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** Library versions that wrote the model, for diagnosing load problems. */
  readonly framework: { readonly tfjsCore: string; readonly tfjsLayers: string };
  /** `tf.getBackend()` when the model was saved (`cpu`, `wasm`, `tensorflow`, …). */
  readonly backend: string;
  /** Every file of the version except the manifest itself. */
  readonly files: readonly ModelFileEntry[];
  /** How the files are run; absent means `tfjs-layers` (manifests written before imports existed). */
  readonly format?: ModelFormat;
  /**
   * ONNX models that take channels-first images (`[C, H, W]`, PyTorch's layout):
   * requests still send `inputShape` (`[H, W, C]`, like every other image model)
   * and the runner transposes them.
   */
  readonly channelsFirst?: boolean;
}

/** The format of a version; manifests without a `format` field hold Layers models. */
export function formatOf(info: ModelVersionInfo): ModelFormat {
  return info.format ?? 'tfjs-layers';
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest entry describing `bytes` stored as `path`. */
export function describeFile(path: string, bytes: Uint8Array): ModelFileEntry {
  return { path, size: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/**
 * Throw unless `bytes` match the manifest `entry` (size first: it is free).
 *
 * The code is `DataLoss`: the bytes in storage are not the bytes that were saved;
 * `details` carry `{ file, expected, actual }` so operators can tell which
 * object was corrupted or replaced.
 */
export function verifyFile(entry: ModelFileEntry, bytes: Uint8Array, location: string): void {
  const size = bytes.byteLength;
  const sha256 = size === entry.size ? sha256Hex(bytes) : undefined;
  if (size === entry.size && sha256 === entry.sha256) return;
  throw new PolyfaasError('DataLoss', `Model file ${location} does not match its manifest (corrupted or replaced)`, {
    details: {
      file: location,
      expected: { size: entry.size, sha256: entry.sha256 },
      actual: { size, sha256: sha256 ?? sha256Hex(bytes) },
    },
  });
}

/** Serialise a manifest; pretty-printed because people open these by hand. */
export function encodeManifest(info: ModelVersionInfo): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Parse and check a `manifest.json`. A manifest that does not parse is data
 * loss, not a missing model, so it fails with `DataLoss` like any
 * other integrity problem.
 */
export function decodeManifest(bytes: Uint8Array, location: string): ModelVersionInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw corrupt(location, 'not valid UTF-8 JSON', err);
  }
  const problem = manifestProblem(parsed);
  if (problem) throw corrupt(location, problem);
  const info = parsed as ModelVersionInfo;
  if (info.formatVersion > MODEL_FORMAT_VERSION) {
    throw new PolyfaasError(
      'Unimplemented',
      `Model manifest ${location} has format ${info.formatVersion}; this polyfaas reads up to ${MODEL_FORMAT_VERSION}. Upgrade polyfaas.`,
      { details: { file: location, formatVersion: info.formatVersion } },
    );
  }
  return info;
}

function corrupt(location: string, reason: string, cause?: unknown): PolyfaasError {
  return new PolyfaasError('DataLoss', `Model manifest ${location} is invalid: ${reason}`, {
    cause,
    details: { file: location, reason },
  });
}

function manifestProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  if (!Number.isInteger(value.formatVersion)) return 'formatVersion is not an integer';
  for (const field of ['name', 'version', 'createdAt', 'backend'] as const) {
    if (typeof value[field] !== 'string') return `${field} is not a string`;
  }
  if (!isShape(value.inputShape)) return 'inputShape is not a list of positive integers';
  if (!Array.isArray(value.labels) || !value.labels.every((l) => typeof l === 'string')) return 'labels is not a list of strings';
  if (!isRecord(value.metrics) || !Object.values(value.metrics).every((m) => typeof m === 'number')) return 'metrics is not a map of numbers';
  if (!isRecord(value.metadata)) return 'metadata is not an object';
  if (!isRecord(value.framework)) return 'framework is not an object';
  if (!Array.isArray(value.files) || !value.files.every(isFileEntry)) return 'files is not a list of { path, size, sha256 }';
  if (value.format !== undefined && !(MODEL_FORMATS as readonly unknown[]).includes(value.format)) return `format is not one of ${MODEL_FORMATS.join(', ')}`;
  if (value.channelsFirst !== undefined && typeof value.channelsFirst !== 'boolean') return 'channelsFirst is not a boolean';
  return undefined;
}

function isFileEntry(value: unknown): value is ModelFileEntry {
  return (
    isRecord(value) &&
    typeof value.path === 'string' &&
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value.path) &&
    Number.isSafeInteger(value.size) &&
    (value.size as number) >= 0 &&
    typeof value.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(value.sha256)
  );
}

/** True for a fully known example shape: a list of positive integers. */
export function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d) && d > 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
