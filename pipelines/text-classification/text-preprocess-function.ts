import type { Bucket, FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import { stableHash } from '../shared/stable-hash.js';
import type { TextDatasetManifest } from './text-dataset.js';
import { readTextDataset, readTextRecords } from './text-dataset.js';
import type { TextFeaturesManifest } from './text-features.js';
import { readTextFeatures, TEXT_FEATURES_FORMAT } from './text-features.js';
import type { TextTrainJob } from './text-job.js';
import { featuresKey, TEXT_LAYOUT, textJobKey } from './text-layout.js';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';
import type { Tokenizer, TokenizerOptions } from './tokenizer.js';
import { createEncoder, fitTokenizer } from './tokenizer.js';
import type { TokenShardEntry } from './token-shards.js';
import { encodeTokenShard, writeTokenShard } from './token-shards.js';

/** Options for {@link createTextPreprocessFunction}. */
export interface TextPreprocessOptions {
  bucket: string;
  dataset: string;
  modelName: string;
  tokenizer?: TokenizerOptions;
  training: ResolvedTextTrainingConfig;
  /** Examples per token shard. Default 2,048. */
  examplesPerShard?: number;
  trainSplit?: string;
  testSplit?: string;
}

/** What one preprocess invocation did. */
export type TextPreprocessOutcome =
  | { status: 'waiting'; missing: string }
  | { status: 'planned'; runId: string; created: boolean; vocabulary: number; sequenceLength: number }
  | { status: 'ignored'; reason: string };

/**
 * When both splits' `_dataset.json` are there (whichever lands second
 * triggers it): fit the tokenizer on the train split only, encode both splits
 * with it into token shards, write each split's features manifest after its
 * shards, and plan the training run (job 0). Keys derive from the inputs, so
 * a redelivered event rewrites nothing and plans nothing new.
 */
export function createTextPreprocessFunction(options: TextPreprocessOptions): FunctionDefinition<StorageTrigger, undefined> {
  const trainSplit = options.trainSplit ?? 'train';
  const testSplit = options.testSplit ?? 'test';
  const perShard = options.examplesPerShard ?? 2048;
  return defineFunction({
    name: 'preprocess-text',
    trigger: { type: 'storage', bucket: options.bucket, prefix: `${TEXT_LAYOUT.raw}${options.dataset}/`, suffix: '/_dataset.json' },
    timeoutMs: 10 * 60_000,
    memoryMb: 2048,
    handler: async (event, ctx): Promise<TextPreprocessOutcome> => {
      const split = event.key.split('/').at(-2);
      if (split !== trainSplit && split !== testSplit) return { status: 'ignored', reason: `split ${split ?? '?'} is not trained on` };
      const bucket = ctx.bucket(options.bucket);
      const [train, test] = await Promise.all([readTextDataset(bucket, options.dataset, trainSplit), readTextDataset(bucket, options.dataset, testSplit)]);
      if (!train || !test) return { status: 'waiting', missing: train ? testSplit : trainSplit };
      const runId = stableHash({ train: train.etag, test: test.etag, tokenizer: options.tokenizer ?? {}, perShard });
      const existing = await readTextFeatures(bucket, featuresKey(options.dataset, trainSplit));
      let tokenizer: Tokenizer;
      if (existing?.runId === runId && (await readTextFeatures(bucket, featuresKey(options.dataset, testSplit)))?.runId === runId) {
        tokenizer = existing.tokenizer;
      } else {
        const trainRecords = await readTextRecords(bucket, train.manifest);
        tokenizer = fitTokenizer(trainRecords.map((r) => r.text), options.tokenizer);
        ctx.log.info('tokenizer fitted', { vocabulary: tokenizer.vocab.length, sequenceLength: tokenizer.maxLength, examples: trainRecords.length });
        // Test first: the train manifest's arrival means both are complete.
        const testRecords = await readTextRecords(bucket, test.manifest);
        await writeSplit(bucket, options.dataset, testSplit, test.manifest, testRecords, tokenizer, runId, perShard);
        await writeSplit(bucket, options.dataset, trainSplit, train.manifest, trainRecords, tokenizer, runId, perShard);
      }
      const jobRun = stableHash({ features: runId, config: options.training, model: options.modelName });
      const job: TextTrainJob = {
        format: 'polyfaas.text-train-job/v1',
        runId: jobRun,
        seq: 0,
        dataset: options.dataset,
        modelName: options.modelName,
        train: featuresKey(options.dataset, trainSplit),
        test: featuresKey(options.dataset, testSplit),
        config: options.training,
      };
      const created = await putIfAbsent(bucket, textJobKey(jobRun, 0), JSON.stringify(job, null, 2), { contentType: 'application/json' });
      return { status: 'planned', runId: jobRun, created: created !== undefined, vocabulary: tokenizer.vocab.length, sequenceLength: tokenizer.maxLength };
    },
  });
}

async function writeSplit(
  bucket: Bucket,
  dataset: string,
  split: string,
  source: TextDatasetManifest,
  records: readonly { text: string; label: number }[],
  tokenizer: Tokenizer,
  runId: string,
  perShard: number,
): Promise<void> {
  const encode = createEncoder(tokenizer);
  const length = tokenizer.maxLength;
  const shards: TokenShardEntry[] = [];
  for (let from = 0; from < records.length; from += perShard) {
    const chunk = records.slice(from, from + perShard);
    const labels = Int32Array.from(chunk, (r) => r.label);
    const tokens = new Int32Array(chunk.length * length);
    chunk.forEach((r, i) => encode(r.text, tokens.subarray(i * length, (i + 1) * length)));
    const key = `${TEXT_LAYOUT.features}${dataset}/${split}/${runId}-${String(shards.length).padStart(5, '0')}.pftk`;
    shards.push(await writeTokenShard(bucket, key, encodeTokenShard(labels, tokens, length), chunk.length));
  }
  const labelCounts = source.classes.map((_, c) => records.filter((r) => r.label === c).length);
  const manifest: TextFeaturesManifest = { format: TEXT_FEATURES_FORMAT, dataset, split, runId, classes: source.classes, count: records.length, labelCounts, tokenizer, shards };
  await bucket.put(featuresKey(dataset, split), JSON.stringify(manifest), { contentType: 'application/json' });
}
