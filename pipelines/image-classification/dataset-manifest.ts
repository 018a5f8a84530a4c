import { PolyfaasError } from '../../src/index.js';

/** Format tag of {@link DatasetManifest}. */
export const DATASET_MANIFEST_FORMAT = 'polyfaas.image-dataset/v1';

/**
 * What an uploader writes last to `<raw>/<dataset>/<split>/_dataset.json`.
 * Its arrival tells the preprocess function the split is complete.
 */
export interface DatasetManifest {
  readonly format: typeof DATASET_MANIFEST_FORMAT;
  readonly dataset: string;
  readonly split: string;
  /** Images uploaded for this split. */
  readonly count: number;
  /** Class names; a class's index is its position (and the number in its label directory). */
  readonly classes: readonly string[];
  /** Free-form provenance, e.g. `{ origin: 'debian', dir: '/usr/share/datasets/fashion-mnist' }`. */
  readonly source?: Readonly<Record<string, unknown>>;
}

/**
 * Serialise a dataset manifest deterministically (stable key order, no
 * timestamps), so re-uploading the same data writes byte-identical JSON and
 * the upload stays idempotent.
 */
export function encodeDatasetManifest(manifest: Omit<DatasetManifest, 'format'>): Uint8Array {
  const ordered: DatasetManifest = {
    format: DATASET_MANIFEST_FORMAT,
    dataset: manifest.dataset,
    split: manifest.split,
    count: manifest.count,
    classes: [...manifest.classes],
    ...(manifest.source ? { source: manifest.source } : {}),
  };
  return new TextEncoder().encode(`${JSON.stringify(ordered, null, 2)}\n`);
}

/** Parse and check a dataset manifest. @throws PolyfaasError `InvalidArgument` if malformed. */
export function parseDatasetManifest(bytes: Uint8Array, key = '_dataset.json'): DatasetManifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
  }
  const m = value as Partial<DatasetManifest>;
  const problems = [
    m?.format !== DATASET_MANIFEST_FORMAT && `format must be ${DATASET_MANIFEST_FORMAT}`,
    typeof m?.dataset !== 'string' && 'dataset must be a string',
    typeof m?.split !== 'string' && 'split must be a string',
    !(Number.isInteger(m?.count) && (m?.count ?? -1) >= 0) && 'count must be a non-negative integer',
    !(Array.isArray(m?.classes) && m.classes.every((c) => typeof c === 'string')) && 'classes must be an array of strings',
  ].filter(Boolean);
  if (problems.length) throw new PolyfaasError('InvalidArgument', `${key}: ${problems.join('; ')}`, { details: { problems } });
  return m as DatasetManifest;
}
