import type * as tfl from '@tensorflow/tfjs-layers';
import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { JsonValue } from '../../src/model/index.js';
import { buildCnn } from './cnn.js';
import { loadEmbeddingDataset } from './embeddings.js';
import { loadExtractor } from './feature-extractor.js';
import type { FeaturesManifest } from './features-manifest.js';
import type { HeadOptions } from './head.js';
import { buildHead, composeWithHead, disposeHeadLayers } from './head.js';
import { loadShardDataset } from './shard-dataset.js';
import type { TrainingData } from '../shared/trainer.js';
import type { ResolvedTrainingConfig } from './training-config.js';

/** The model a finished run stores, with what its manifest should say about it. */
export interface ModelToSave {
  readonly model: tfl.LayersModel;
  /** Extra manifest metadata (the extractor, for a head). */
  readonly metadata: Record<string, JsonValue>;
  /** Free what {@link TrainingSetup.modelToSave} loaded (never the trained model itself). */
  dispose(): void;
}

/** What the train step trains, on what, and what it saves afterwards. */
export interface TrainingSetup {
  readonly data: TrainingData & { readonly classes: readonly string[] };
  /** The model trained: the CNN on pixels, or the head on embeddings. The caller disposes it. */
  readonly model: tfl.LayersModel;
  readonly epochs: number;
  /** Shape of one example of the SAVED model: always the images'. */
  readonly inputShape: readonly number[];
  /** The trained model as it will be served: itself, or extractor + head composed into one. */
  modelToSave(): Promise<ModelToSave>;
}

/**
 * Choose what to train from the features: when the manifest has embeddings,
 * a small head on them (seconds), saved composed with the frozen extractor so
 * serving takes images as before; otherwise the CNN on pixels.
 *
 * @param bucket where the features and the extractor's model store are.
 */
export async function prepareTraining(bucket: Bucket, manifest: FeaturesManifest, config: ResolvedTrainingConfig, cache?: DatasetCache): Promise<TrainingSetup> {
  const { height, width, channels } = manifest.input;
  const embeddings = manifest.embeddings;
  if (!embeddings) {
    const augment = config.augment ? { augment: config.augment, augmentSeed: config.seed } : {};
    // Warm instances keep the dataset; the key names everything that shapes it.
    const data = await cached(cache, `pixels:${manifest.runId}:${config.limit ?? ''}:${JSON.stringify(augment)}`, () => loadShardDataset(bucket, manifest, config.limit, augment));
    const model = buildCnn({
      ...(config.convsPerBlock !== undefined ? { convsPerBlock: config.convsPerBlock } : {}),
      ...(config.batchNorm !== undefined ? { batchNorm: config.batchNorm } : {}),
      ...(config.blockDropout !== undefined ? { blockDropout: config.blockDropout } : {}),
      inputShape: data.inputShape,
      numClasses: data.numClasses,
      filters: config.filters,
      denseUnits: config.denseUnits,
      dropout: config.dropout,
      learningRate: config.learningRate,
      seed: config.seed,
    });
    return { data, model, epochs: config.epochs, inputShape: [height, width, channels], modelToSave: () => Promise.resolve({ model, metadata: {}, dispose: () => {} }) };
  }
  const data = await cached(cache, `embeddings:${manifest.runId}:${config.limit ?? ''}`, () => loadEmbeddingDataset(bucket, manifest, config.limit));
  const head: HeadOptions = {
    inputDim: data.dim,
    numClasses: data.numClasses,
    hiddenUnits: config.head?.hiddenUnits ?? 0,
    dropout: config.head?.dropout ?? 0,
    learningRate: config.learningRate,
    seed: config.seed,
  };
  const model = buildHead(head);
  return {
    data,
    model,
    epochs: config.head?.epochs ?? config.epochs,
    inputShape: [height, width, channels],
    modelToSave: async () => {
      const extractor = await loadExtractor(bucket, embeddings.extractor);
      try {
        if (extractor.layer !== embeddings.layer || extractor.dim !== embeddings.dim) {
          throw new PolyfaasError('DataLoss', `Extractor ${embeddings.extractor.model}@${embeddings.extractor.version} no longer matches the embeddings it made`, {
            details: { expected: { layer: embeddings.layer, dim: embeddings.dim }, actual: { layer: extractor.layer, dim: extractor.dim } },
          });
        }
        const composed = composeWithHead(extractor.model, model, head);
        return {
          model: composed,
          metadata: {
            extractor: { ...embeddings.extractor, layer: embeddings.layer, dim: embeddings.dim },
            head: { hiddenUnits: head.hiddenUnits ?? 0, dropout: head.dropout ?? 0 },
          },
          dispose: () => {
            disposeHeadLayers(composed);
            extractor.dispose();
          },
        };
      } catch (err) {
        extractor.dispose();
        throw err;
      }
    },
  };
}

/**
 * Datasets a warm instance already loaded, by features run: a data-parallel
 * worker runs one invocation per round, and reading the split from the
 * bucket every round would cost more than the round's arithmetic. Holds the
 * last one only, to bound memory.
 */
export class DatasetCache {
  private entry: { key: string; value: Promise<unknown> } | undefined;

  /** The cached value under `key`, else `load()`'s (a failed load is not kept). */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.entry?.key === key) return this.entry.value as Promise<T>;
    const value = load();
    this.entry = { key, value };
    value.catch(() => {
      if (this.entry?.value === value) this.entry = undefined;
    });
    return value;
  }
}

function cached<T>(cache: DatasetCache | undefined, key: string, load: () => Promise<T>): Promise<T> {
  return cache ? cache.get(key, load) : load();
}
