import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { readFeaturesManifest, readManifestShards } from './features-manifest.js';
import { preprocessPrefix } from './preprocess-batch.js';

const INPUT = { width: 8, height: 8, channels: 1 } as const;
const augment = { copies: 2, seed: 7, maxShift: 2, flipProbability: 0.5, maxRotationDegrees: 10 } as const;

async function seed(bucket: Bucket, split: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    // A bright bar on one side, so shifts and flips visibly change the pixels.
    const pixels = Buffer.alloc(64, 0);
    for (let y = 0; y < 8; y++) pixels[y * 8 + 1 + i] = 255;
    const png = await sharp(pixels, { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    await bucket.put(`raw/toy/${split}/${i % 2}-c${i % 2}/${i}.png`, png);
  }
}

async function examples(bucket: Bucket, split: string): Promise<number[][]> {
  const { manifest } = (await readFeaturesManifest(bucket, `features/toy/${split}/manifest.json`))!;
  const out: number[][] = [];
  for await (const shard of readManifestShards(bucket, manifest)) {
    for (let i = 0; i < shard.header.count; i++) out.push(Array.from(shard.features.subarray(i * 64, (i + 1) * 64)));
  }
  return out;
}

describe('preprocessing with seeded augmentation', () => {
  it('adds augmented copies to the train split only, identically on every run', async () => {
    const a = new MemoryBucket('a');
    const b = new MemoryBucket('b');
    for (const bucket of [a, b]) {
      await seed(bucket, 'train');
      await seed(bucket, 'test');
      for (const split of ['train', 'test']) await preprocessPrefix(bucket, { input: INPUT, dataset: 'toy', split, progress: false, augment });
    }
    const train = await examples(a, 'train');
    expect(train).toHaveLength(3 * (1 + augment.copies));
    expect(await examples(a, 'test')).toHaveLength(3);
    // Copies differ from their original but keep its label; the same seed gives the same copies.
    expect(train[1]).not.toEqual(train[0]);
    expect(train[2]).not.toEqual(train[0]);
    expect(await examples(b, 'train')).toEqual(train);
    const summary = await preprocessPrefix(a, { input: INPUT, dataset: 'toy', split: 'train', progress: false, augment });
    expect(summary.upToDate).toBe(true);
    const other = await preprocessPrefix(a, { input: INPUT, dataset: 'toy', split: 'train', progress: false, augment: { ...augment, seed: 8 } });
    expect(other.upToDate).toBe(false);
  });

  it('rejects a nonsensical number of copies', async () => {
    await expect(preprocessPrefix(new MemoryBucket(), { input: INPUT, dataset: 'toy', split: 'train', progress: false, augment: { copies: -1 } })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
