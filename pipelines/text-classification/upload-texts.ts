import type { Bucket } from '../../src/index.js';
import { isPolyfaasError, PolyfaasError } from '../../src/index.js';
import { seededSplit } from '../shared/seeded-split.js';
import type { TextDatasetManifest, TextExample } from './text-dataset.js';
import { TEXT_DATASET_FORMAT } from './text-dataset.js';
import { assertSegment, datasetKey, rawSplitPrefix } from './text-layout.js';

/** Options for {@link uploadTexts}. */
export interface UploadTextsOptions {
  dataset: string;
  /** Class names in id order. Default: the labels found, sorted. */
  classes?: readonly string[];
  /** Share of each class held out for testing when examples carry no split. Default 0.2. */
  testRatio?: number;
  /** Seeds the split. Default 1. */
  seed?: number;
  /** Records per JSONL part. Default 5,000. */
  recordsPerPart?: number;
  /** Provenance stored in each `_dataset.json`. */
  source?: Record<string, unknown>;
  /**
   * Leave every object whose bytes are already stored as they are, so that
   * uploading the same data again writes nothing and starts no new run.
   * Default false: every upload rewrites (and so retrains).
   */
  skipUnchanged?: boolean;
}

/** What {@link uploadTexts} wrote. */
export interface TextUploadSummary {
  dataset: string;
  classes: string[];
  splits: Record<string, number>;
  /** Objects written (parts and manifests); 0 when `skipUnchanged` found everything in place. */
  written: number;
}

/**
 * Put labelled texts into the pipeline's bucket: examples without a split are
 * split per class with a seeded shuffle (same data, ratio and seed, same
 * split); each split becomes JSONL parts and then its `_dataset.json`, written
 * last, which starts the pipeline.
 *
 * @throws `InvalidArgument` for an unknown label, a bad name, or no examples.
 */
export async function uploadTexts(bucket: Bucket, examples: readonly TextExample[], options: UploadTextsOptions): Promise<TextUploadSummary> {
  assertSegment('dataset', options.dataset);
  if (examples.length === 0) throw new PolyfaasError('InvalidArgument', 'no examples to upload');
  const classes = options.classes ? [...options.classes] : [...new Set(examples.map((e) => e.label))].sort();
  const ids = new Map(classes.map((c, i) => [c, i]));
  const bySplit = new Map<string, { text: string; label: number }[]>();
  const unsplit: { text: string; label: number }[][] = classes.map(() => []);
  for (const e of examples) {
    const label = ids.get(e.label);
    if (label === undefined) throw new PolyfaasError('InvalidArgument', `label ${JSON.stringify(e.label)} is not one of the classes ${classes.join(', ')}`);
    if (e.split) {
      assertSegment('split', e.split);
      bySplit.set(e.split, [...(bySplit.get(e.split) ?? []), { text: e.text, label }]);
    } else (unsplit[label] as { text: string; label: number }[]).push({ text: e.text, label });
  }
  if (unsplit.some((c) => c.length)) {
    const { train, test } = seededSplit(unsplit, options.testRatio ?? 0.2, options.seed ?? 1);
    bySplit.set('train', [...(bySplit.get('train') ?? []), ...train.flat()]);
    bySplit.set('test', [...(bySplit.get('test') ?? []), ...test.flat()]);
  }
  const perPart = options.recordsPerPart ?? 5000;
  const splits: Record<string, number> = {};
  let written = 0;
  const put = async (key: string, body: string, contentType: string, force = false) => {
    if (!force && options.skipUnchanged && (await storedBytesEqual(bucket, key, body))) return false;
    await bucket.put(key, body, { contentType });
    written++;
    return true;
  };
  for (const [split, records] of bySplit) {
    const parts: { key: string; count: number }[] = [];
    let partsChanged = false;
    for (let from = 0; from < records.length; from += perPart) {
      const chunk = records.slice(from, from + perPart);
      const key = `${rawSplitPrefix(options.dataset, split)}part-${String(parts.length).padStart(5, '0')}.jsonl`;
      if (await put(key, chunk.map((r) => JSON.stringify(r)).join('\n') + '\n', 'application/x-ndjson')) partsChanged = true;
      parts.push({ key, count: chunk.length });
    }
    const manifest: TextDatasetManifest = {
      format: TEXT_DATASET_FORMAT,
      dataset: options.dataset,
      split,
      count: records.length,
      classes,
      parts,
      ...(options.source ? { source: options.source } : {}),
    };
    splits[split] = records.length;
    // Last: its arrival starts preprocessing of a complete split, so it is rewritten whenever a part was.
    await put(datasetKey(options.dataset, split), `${JSON.stringify(manifest, null, 2)}\n`, 'application/json', partsChanged);
  }
  return { dataset: options.dataset, classes, splits, written };
}

async function storedBytesEqual(bucket: Bucket, key: string, body: string): Promise<boolean> {
  try {
    const stored = await bucket.get(key);
    return new TextDecoder().decode(stored.body) === body;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return false;
    throw err;
  }
}
