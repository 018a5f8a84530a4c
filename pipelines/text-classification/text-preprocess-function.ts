import type { Bucket, FunctionDefinition, StorageTrigger } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import { chunkItems } from '../shared/chunked-run.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import { stableHash } from '../shared/stable-hash.js';
import { runTokenizerKey } from './text-chunk-job.js';
import type { TextDatasetManifest } from './text-dataset.js';
import { readTextDataset, readTextRecords } from './text-dataset.js';
import { readTextFeatures } from './text-features.js';
import { featuresKey, TEXT_LAYOUT } from './text-layout.js';
import { planTextTraining } from './text-plan-training.js';
import { writeTextChunkJobs } from './text-preprocess-chunks.js';
import { countLabels, encodeTextFeaturesManifest, encodeTokenShards, textFeaturesManifest } from './text-split-features.js';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';
import type { Tokenizer, TokenizerOptions } from './tokenizer.js';
import { fitTokenizer } from './tokenizer.js';

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
  /**
   * Records per chunk (rounded up to whole shards). When a split has more,
   * the tokenizer is fitted and stored here and each chunk is encoded by its
   * own preprocess-text-chunk invocation. Default: one invocation.
   */
  chunkSize?: number;
}

/** What one preprocess invocation did. */
export type TextPreprocessOutcome =
  | { status: 'waiting'; missing: string }
  | { status: 'planned'; runId: string; created: boolean; vocabulary: number; sequenceLength: number }
  | { status: 'chunked'; runId: string; chunks: number; jobsWritten: number; vocabulary: number; sequenceLength: number }
  | { status: 'ignored'; reason: string };

/**
 * When both splits' `_dataset.json` are there (whichever lands second
 * triggers it): fit the tokenizer on the train split only, encode both splits
 * with it into token shards, write each split's features manifest after its
 * shards, and plan the training run (job 0). Keys derive from the inputs, so
 * a redelivered event rewrites nothing and plans nothing new. With
 * `chunkSize` and a split larger than a chunk, the tokenizer is stored and
 * both splits become chunk jobs instead; their last chunks plan training.
 */
export function createTextPreprocessFunction(options: TextPreprocessOptions): FunctionDefinition<StorageTrigger, undefined> {
  const trainSplit = options.trainSplit ?? 'train';
  const testSplit = options.testSplit ?? 'test';
  const perShard = options.examplesPerShard ?? 2048;
  if (options.chunkSize !== undefined) chunkItems(options.chunkSize, perShard);
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
        const { chunkSize } = options;
        if (chunkSize !== undefined && Math.max(train.manifest.count, test.manifest.count) > chunkItems(chunkSize, perShard)) {
          const tokenizerKey = runTokenizerKey(options.dataset, runId);
          await putIfAbsent(bucket, tokenizerKey, JSON.stringify(tokenizer), { contentType: 'application/json' });
          let chunks = 0;
          let jobsWritten = 0;
          for (const [split, source] of [[testSplit, test.manifest], [trainSplit, train.manifest]] as const) {
            const written = await writeTextChunkJobs(bucket, { dataset: options.dataset, split, runId, source, chunkSize, perShard, tokenizerKey }, ctx.signal);
            chunks += written.chunks;
            jobsWritten += written.jobsWritten;
          }
          return { status: 'chunked', runId, chunks, jobsWritten, vocabulary: tokenizer.vocab.length, sequenceLength: tokenizer.maxLength };
        }
        // Test first: the train manifest's arrival means both are complete.
        const testRecords = await readTextRecords(bucket, test.manifest);
        await writeSplit(bucket, options.dataset, testSplit, test.manifest, testRecords, tokenizer, runId, perShard);
        await writeSplit(bucket, options.dataset, trainSplit, train.manifest, trainRecords, tokenizer, runId, perShard);
      }
      const planned = await planTextTraining(bucket, { dataset: options.dataset, modelName: options.modelName, training: options.training, trainSplit, testSplit }, runId);
      return { status: 'planned', runId: planned.runId, created: planned.created, vocabulary: tokenizer.vocab.length, sequenceLength: tokenizer.maxLength };
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
  const shards = await encodeTokenShards(bucket, { dataset, split, runId, perShard, firstShard: 0 }, records, tokenizer);
  const manifest = textFeaturesManifest({ dataset, split, runId, classes: source.classes, tokenizer }, { shards, labelCounts: countLabels(records, source.classes.length) });
  await bucket.put(featuresKey(dataset, split), encodeTextFeaturesManifest(manifest), { contentType: 'application/json' });
}
