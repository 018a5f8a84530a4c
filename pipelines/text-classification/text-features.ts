import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { TrainingData } from '../shared/trainer.js';
import type { Tokenizer } from './tokenizer.js';
import { vocabularySize } from './tokenizer.js';
import type { TokenShardEntry } from './token-shards.js';
import { readTokenShard } from './token-shards.js';

/** Format tag of {@link TextFeaturesManifest}. */
export const TEXT_FEATURES_FORMAT = 'polyfaas.text-features/v1';

/** `features/<dataset>/<split>/manifest.json`: one split as token shards, written after every shard. */
export interface TextFeaturesManifest {
  readonly format: typeof TEXT_FEATURES_FORMAT;
  readonly dataset: string;
  readonly split: string;
  /** Hash of both splits' inputs and the tokenizer settings: equal run ids mean equal features. */
  readonly runId: string;
  readonly classes: readonly string[];
  readonly count: number;
  readonly labelCounts: readonly number[];
  /** Fitted on the train split; the test split is encoded with the same one. */
  readonly tokenizer: Tokenizer;
  readonly shards: readonly TokenShardEntry[];
}

/** Read a features manifest, or `undefined` if there is none yet. */
export async function readTextFeatures(bucket: Bucket, key: string): Promise<TextFeaturesManifest | undefined> {
  return (await readTextFeaturesVersion(bucket, key))?.manifest;
}

/** A features manifest with the etag it was read at (for a compare-and-swap), or `undefined` if there is none yet. */
export async function readTextFeaturesVersion(bucket: Bucket, key: string): Promise<{ manifest: TextFeaturesManifest; etag: string } | undefined> {
  let obj: { body: Uint8Array; etag: string };
  try {
    obj = await bucket.get(key);
  } catch (err) {
    if (err instanceof PolyfaasError && err.code === 'NotFound') return undefined;
    throw err;
  }
  const m = JSON.parse(new TextDecoder().decode(obj.body)) as Partial<TextFeaturesManifest>;
  if (m.format !== TEXT_FEATURES_FORMAT || !Array.isArray(m.shards) || !m.tokenizer) throw new PolyfaasError('InvalidArgument', `${key} is not a ${TEXT_FEATURES_FORMAT} manifest`);
  return { manifest: m as TextFeaturesManifest, etag: obj.etag };
}

/** A split in memory as token ids, handed to the trainer a batch at a time. */
export interface TokenDataset extends TrainingData {
  readonly labels: Int32Array;
  /** `count × length` ids. */
  readonly tokens: Int32Array;
  readonly length: number;
  readonly vocabSize: number;
  readonly classes: readonly string[];
}

/** Load every shard of a manifest (checksums checked); `limit` keeps the first examples only. */
export async function loadTokenDataset(bucket: Bucket, manifest: TextFeaturesManifest, limit = Infinity): Promise<TokenDataset> {
  const length = manifest.tokenizer.maxLength;
  const count = Math.min(manifest.count, limit);
  const labels = new Int32Array(count);
  const tokens = new Int32Array(count * length);
  let at = 0;
  for (const entry of manifest.shards) {
    if (at >= count) break;
    const shard = await readTokenShard(bucket, entry);
    const take = Math.min(shard.labels.length, count - at);
    labels.set(shard.labels.subarray(0, take), at);
    tokens.set(shard.tokens.subarray(0, take * length), at * length);
    at += take;
  }
  return tokenDataset(labels.subarray(0, at), tokens.subarray(0, at * length), length, vocabularySize(manifest.tokenizer), manifest.classes);
}

/** Wrap encoded examples as a {@link TokenDataset}. */
export function tokenDataset(labels: Int32Array, tokens: Int32Array, length: number, vocabSize: number, classes: readonly string[]): TokenDataset {
  return {
    count: labels.length,
    inputShape: [length],
    numClasses: classes.length,
    labels,
    tokens,
    length,
    vocabSize,
    classes,
    gather(indices, xs, ys) {
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k] as number;
        // The Embedding layer casts its input to int32; ids below 2^24 are exact in float32.
        for (let p = 0; p < length; p++) xs[k * length + p] = tokens[i * length + p] as number;
        ys[k] = labels[i] as number;
      }
    },
  };
}
