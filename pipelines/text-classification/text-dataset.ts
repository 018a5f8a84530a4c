import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { datasetKey } from './text-layout.js';

/** Format tag of {@link TextDatasetManifest}. */
export const TEXT_DATASET_FORMAT = 'polyfaas.text-dataset/v1';

/** One labelled text. */
export interface TextExample {
  readonly text: string;
  readonly label: string;
  /** Split it belongs to, when the source says (`train`, `test`); otherwise a seeded split decides. */
  readonly split?: string;
}

/**
 * `raw/<dataset>/<split>/_dataset.json`, written after every part it lists:
 * its arrival tells the pipeline the split is complete.
 */
export interface TextDatasetManifest {
  readonly format: typeof TEXT_DATASET_FORMAT;
  readonly dataset: string;
  readonly split: string;
  readonly count: number;
  /** Class names; a class's id is its position. */
  readonly classes: readonly string[];
  /** JSONL parts holding `{ "text", "label" }` records (label = class id), in order. */
  readonly parts: readonly { readonly key: string; readonly count: number }[];
  readonly source?: Readonly<Record<string, unknown>>;
}

/** One stored record of a part. */
export interface TextRecord {
  readonly text: string;
  readonly label: number;
}

/** Read a split's manifest, or `undefined` if the split is not (completely) uploaded yet. */
export async function readTextDataset(bucket: Bucket, dataset: string, split: string): Promise<{ manifest: TextDatasetManifest; etag: string } | undefined> {
  const key = datasetKey(dataset, split);
  let obj;
  try {
    obj = await bucket.get(key);
  } catch (err) {
    if (err instanceof PolyfaasError && err.code === 'NotFound') return undefined;
    throw err;
  }
  let m: Partial<TextDatasetManifest>;
  try {
    m = JSON.parse(new TextDecoder().decode(obj.body)) as Partial<TextDatasetManifest>;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
  }
  if (m.format !== TEXT_DATASET_FORMAT || !Array.isArray(m.classes) || !Array.isArray(m.parts) || !Number.isInteger(m.count)) {
    throw new PolyfaasError('InvalidArgument', `${key} is not a ${TEXT_DATASET_FORMAT} manifest`);
  }
  return { manifest: m as TextDatasetManifest, etag: obj.etag };
}

/** Every record of the listed parts (a split's, or some of them), in order. @throws `InvalidArgument` for a malformed record or a label outside the classes. */
export async function readTextRecords(bucket: Bucket, manifest: Pick<TextDatasetManifest, 'parts' | 'classes'>): Promise<TextRecord[]> {
  const out: TextRecord[] = [];
  for (const part of manifest.parts) {
    const lines = new TextDecoder().decode((await bucket.get(part.key)).body).split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const r = JSON.parse(line) as Partial<TextRecord>;
      if (typeof r.text !== 'string' || !Number.isInteger(r.label) || (r.label as number) < 0 || (r.label as number) >= manifest.classes.length) {
        throw new PolyfaasError('InvalidArgument', `${part.key} line ${i + 1} is not a { text, label } record of this dataset`);
      }
      out.push(r as TextRecord);
    });
  }
  return out;
}
