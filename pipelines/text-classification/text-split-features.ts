import type { Bucket } from '../../src/index.js';
import type { TextRecord } from './text-dataset.js';
import type { TextFeaturesManifest } from './text-features.js';
import { TEXT_FEATURES_FORMAT } from './text-features.js';
import { TEXT_LAYOUT } from './text-layout.js';
import type { Tokenizer } from './tokenizer.js';
import { createEncoder } from './tokenizer.js';
import type { TokenShardEntry } from './token-shards.js';
import { encodeTokenShard, writeTokenShard } from './token-shards.js';

/** Key of shard `index` of a split's run: numbered by position in the split, so a chunk writes the one-invocation run's shards. */
export function tokenShardKey(dataset: string, split: string, runId: string, index: number): string {
  return `${TEXT_LAYOUT.features}${dataset}/${split}/${runId}-${String(index).padStart(5, '0')}.pftk`;
}

/** Where {@link encodeTokenShards} writes. */
export interface TokenShardTarget {
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly perShard: number;
  /** Number of the first shard written (the records' position in the split over `perShard`). */
  readonly firstShard: number;
}

/** Encode records with the tokenizer into shards of `perShard` examples, written once each. */
export async function encodeTokenShards(bucket: Bucket, target: TokenShardTarget, records: readonly TextRecord[], tokenizer: Tokenizer): Promise<TokenShardEntry[]> {
  const encode = createEncoder(tokenizer);
  const length = tokenizer.maxLength;
  const shards: TokenShardEntry[] = [];
  for (let from = 0; from < records.length; from += target.perShard) {
    const chunk = records.slice(from, from + target.perShard);
    const labels = Int32Array.from(chunk, (r) => r.label);
    const tokens = new Int32Array(chunk.length * length);
    chunk.forEach((r, i) => encode(r.text, tokens.subarray(i * length, (i + 1) * length)));
    const key = tokenShardKey(target.dataset, target.split, target.runId, target.firstShard + shards.length);
    shards.push(await writeTokenShard(bucket, key, encodeTokenShard(labels, tokens, length), chunk.length));
  }
  return shards;
}

/** Examples per class id. */
export function countLabels(records: readonly TextRecord[], classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => records.filter((r) => r.label === c).length);
}

/** What went into a split's shards: one encoding, or its chunks' merged. */
export interface TokenShardOutcome {
  readonly shards: readonly TokenShardEntry[];
  readonly labelCounts: readonly number[];
}

/** A split's features manifest: one function for the one-invocation and chunked paths, so both write the same bytes. */
export function textFeaturesManifest(
  head: Pick<TextFeaturesManifest, 'dataset' | 'split' | 'runId' | 'classes' | 'tokenizer'>,
  built: TokenShardOutcome,
): TextFeaturesManifest {
  return {
    format: TEXT_FEATURES_FORMAT,
    dataset: head.dataset,
    split: head.split,
    runId: head.runId,
    classes: head.classes,
    count: built.shards.reduce((n, s) => n + s.count, 0),
    labelCounts: built.labelCounts,
    tokenizer: head.tokenizer,
    shards: built.shards,
  };
}

/** Serialised as every path writes it. */
export function encodeTextFeaturesManifest(manifest: TextFeaturesManifest): string {
  return JSON.stringify(manifest);
}
