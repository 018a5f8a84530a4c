import { PolyfaasError } from '../../src/index.js';
import type { AugmentOptions } from './augment.js';
import type { FeatureExtractorSettings } from './feature-extractor.js';
import type { DecodeOptions, ModelInputSpec, NormalizeOptions } from './image.js';
import { defaultMaxPixels } from './image.js';
import type { Layout } from './layout.js';
import { DEFAULT_LAYOUT } from './layout.js';

/** How images become features; shared by the batch, single-image and function entry points. */
export interface PreprocessSettings {
  /** Model input shape every image is converted to. */
  readonly input: ModelInputSpec;
  /** Recorded in the features manifest for the training step; stored features stay 8-bit. */
  readonly normalize?: NormalizeOptions;
  /** Pixel limit per image. Default {@link defaultMaxPixels} of the input. */
  readonly maxPixels?: number;
  /** Resize mode for images not already at the input size. Default `'fill'`. */
  readonly fit?: DecodeOptions['fit'];
  /** Class names by index, for label directories without a leading number. */
  readonly classes?: readonly string[];
  /** Key prefixes. Default {@link DEFAULT_LAYOUT}. */
  readonly layout?: Partial<Layout>;
  /** Examples per batch shard. Default: as many as fit in 16 MiB, at most 8192. */
  readonly examplesPerShard?: number;
  /** Objects read and decoded at once. Default 16. */
  readonly concurrency?: number;
  /** Seeded augmentation: extra shifted/flipped/rotated copies of each image of the chosen splits. Off by default. */
  readonly augment?: AugmentSettings;
  /**
   * A stored model, cut at a layer and frozen, whose features are stored beside
   * the pixels of every batch shard; training then fits only a small head on
   * them (see `training.head`). Off by default.
   */
  readonly extractor?: FeatureExtractorSettings;
}

/** How {@link PreprocessSettings.augment} enlarges a split. */
export interface AugmentSettings extends AugmentOptions {
  /** Augmented copies written per image, besides the original. */
  readonly copies: number;
  /** Same seed, same copies: reruns and redelivered events produce identical shards. Default 1. */
  readonly seed?: number;
  /** Splits to augment. Default `['train']` (never augment what you evaluate on). */
  readonly splits?: readonly string[];
}

/** {@link PreprocessSettings} with defaults applied. */
export interface ResolvedSettings {
  readonly decode: DecodeOptions & { readonly maxPixels: number };
  readonly normalize?: NormalizeOptions;
  readonly classes: readonly string[];
  readonly layout: Layout;
  readonly examplesPerShard: number;
  readonly concurrency: number;
  readonly augment?: Required<Pick<AugmentSettings, 'copies' | 'seed' | 'splits'>> & AugmentOptions;
  readonly extractor?: FeatureExtractorSettings;
}

const SHARD_TARGET_BYTES = 16 * 1024 * 1024;

/** Apply defaults and check values. @throws PolyfaasError `InvalidArgument`. */
export function resolveSettings(settings: PreprocessSettings): ResolvedSettings {
  const { input } = settings;
  const exampleBytes = input.width * input.height * input.channels;
  const examplesPerShard = settings.examplesPerShard ?? Math.max(1, Math.min(8192, Math.floor(SHARD_TARGET_BYTES / exampleBytes)));
  const concurrency = settings.concurrency ?? 16;
  for (const [name, value] of [['examplesPerShard', examplesPerShard], ['concurrency', concurrency]] as const) {
    if (!(Number.isInteger(value) && value > 0)) throw new PolyfaasError('InvalidArgument', `${name} must be a positive integer, got ${value}`);
  }
  const augment = settings.augment;
  if (augment && !(Number.isInteger(augment.copies) && augment.copies >= 0 && augment.copies <= 64)) {
    throw new PolyfaasError('InvalidArgument', `augment.copies must be an integer from 0 to 64, got ${augment.copies}`);
  }
  const layout = { ...DEFAULT_LAYOUT, ...(settings.layout ?? {}) };
  for (const [name, prefix] of Object.entries(layout)) {
    if (!prefix.endsWith('/')) throw new PolyfaasError('InvalidArgument', `layout.${name} must end with "/", got ${JSON.stringify(prefix)}`);
  }
  return {
    decode: { ...input, maxPixels: settings.maxPixels ?? defaultMaxPixels(input), ...(settings.fit ? { fit: settings.fit } : {}) },
    ...(settings.normalize ? { normalize: settings.normalize } : {}),
    classes: settings.classes ?? [],
    layout,
    examplesPerShard,
    concurrency,
    ...(augment && augment.copies > 0 ? { augment: { ...augment, seed: augment.seed ?? 1, splits: augment.splits ?? ['train'] } } : {}),
    ...(settings.extractor ? { extractor: settings.extractor } : {}),
  };
}
