import type { Bucket, Logger } from '../../src/index.js';
import { mapLimit, PolyfaasError } from '../../src/index.js';
import { augmentImage, mixSeed, mulberry32 } from './augment.js';
import { writeErrorRecord } from './error-records.js';
import type { RawKey } from './layout.js';
import { batchShardKey, errorKey } from './layout.js';
import type { ExampleResult } from './read-example.js';
import { readExample } from './read-example.js';
import type { ResolvedSettings } from './settings.js';
import type { ShardEntry } from './shards.js';
import { encodeShard, writeShard } from './shards.js';

/** One raw image to preprocess, as listed. */
export interface BatchItem {
  readonly key: string;
  readonly etag: string;
  readonly image: RawKey & { kind: 'image' };
}

/** Where a batch writes and what it reports to. */
export interface BatchTarget {
  readonly raw: Bucket;
  readonly output: Bucket;
  readonly dataset: string;
  readonly split: string;
  readonly runId: string;
  readonly classes: readonly string[];
  readonly settings: ResolvedSettings;
  /**
   * Position in the split of the first item (a multiple of `examplesPerShard`):
   * a chunk of a split numbers its shards and seeds its augmentation as the
   * whole split would. Default 0.
   */
  readonly offset?: number;
  readonly onItem?: () => void;
  readonly signal?: AbortSignal;
  readonly log?: Logger;
}

/** What went into the shards. */
export interface BuiltShards {
  readonly shards: ShardEntry[];
  readonly shardsWritten: number;
  readonly examples: number;
  readonly labelCounts: number[];
  readonly errorCount: number;
  /** Error record keys, in input order, at most {@link LISTED_ERRORS}. */
  readonly errorKeys: string[];
}

/** How many error record keys a features manifest lists. */
export const LISTED_ERRORS = 100;

/**
 * Decode items a shard's worth at a time (memory stays at one shard however
 * big the split) and write each shard as soon as it is full. Unusable images
 * get error records and are left out; shard contents depend only on the
 * inputs, so a rerun produces the same shards under the same keys.
 *
 * A shard is numbered by its position in the split (`(offset + start) /
 * examplesPerShard`), not by how many shards came before it, so chunks of a
 * split can build their shards independently; a group whose images all fail
 * leaves a gap in the numbering, which readers never see (they follow the
 * manifest).
 */
export async function buildShards(items: readonly BatchItem[], target: BatchTarget): Promise<BuiltShards> {
  const { settings } = target;
  const offset = target.offset ?? 0;
  if (offset % settings.examplesPerShard !== 0) throw new PolyfaasError('InvalidArgument', `offset ${offset} is not a multiple of examplesPerShard (${settings.examplesPerShard})`);
  const { width, height, channels } = settings.decode;
  const shards: ShardEntry[] = [];
  const labelCounts: number[] = [];
  const errorKeys: string[] = [];
  let shardsWritten = 0;
  let examples = 0;
  let errorCount = 0;
  for (let start = 0; start < items.length; start += settings.examplesPerShard) {
    const chunk = items.slice(start, start + settings.examplesPerShard);
    const results = await mapLimit(chunk, settings.concurrency, (item) => readAndRecord(item, target), target.signal);
    const good: (ExampleResult & { ok: true })[] = [];
    results.forEach((r, i) => {
      if (r.ok) {
        good.push(r);
        labelCounts[r.label] = (labelCounts[r.label] ?? 0) + 1;
        return;
      }
      errorCount++;
      const item = chunk[i] as BatchItem;
      if (errorKeys.length < LISTED_ERRORS) errorKeys.push(errorKey(item.image, item.key, r.etag, settings.layout));
    });
    if (good.length === 0) continue;
    const examplesOut = withAugmentedCopies(good, offset + start, target);
    const features = new Uint8Array(examplesOut.length * width * height * channels);
    examplesOut.forEach((r, i) => features.set(r.pixels, i * r.pixels.length));
    const bytes = encodeShard({
      shape: [height, width, channels],
      labels: examplesOut.map((r) => r.label),
      features,
      sources: examplesOut.map((r) => ({ key: r.key, etag: r.etag })),
      ...(target.classes.length ? { classes: target.classes } : {}),
    });
    const key = batchShardKey(target.dataset, target.split, target.runId, (offset + start) / settings.examplesPerShard, settings.layout);
    const { written, ...entry } = await writeShard(target.output, key, bytes, examplesOut.length);
    shards.push(entry);
    if (written) shardsWritten++;
    examples += examplesOut.length;
  }
  return { shards, shardsWritten, examples, labelCounts, errorCount, errorKeys };
}

type GoodExample = ExampleResult & { ok: true };

/**
 * The examples plus `copies` augmented versions of each, when the split is
 * augmented. Each copy's randomness is seeded by (seed, position in the split,
 * copy), so the output depends only on the inputs and settings.
 */
function withAugmentedCopies(good: GoodExample[], offset: number, target: BatchTarget): GoodExample[] {
  const augment = target.settings.augment;
  if (!augment || !augment.splits.includes(target.split)) return good;
  const { width, height, channels } = target.settings.decode;
  const out: GoodExample[] = [];
  good.forEach((example, i) => {
    out.push(example);
    for (let copy = 1; copy <= augment.copies; copy++) {
      const random = mulberry32(mixSeed(augment.seed, offset + i, copy));
      out.push({ ...example, pixels: augmentImage(example.pixels, { width, height, channels }, augment, random) });
    }
  });
  return out;
}

async function readAndRecord(item: BatchItem, target: BatchTarget): Promise<ExampleResult> {
  const { settings } = target;
  const result = await readExample(target.raw, item.key, item.image, target.classes, settings.decode);
  if (!result.ok) {
    await writeErrorRecord(target.output, errorKey(item.image, item.key, result.etag, settings.layout), result.record);
    target.log?.warn('image skipped', { key: item.key, reason: result.record.reason });
  }
  target.onItem?.();
  return result;
}
