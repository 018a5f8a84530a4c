import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { combineIdx, encodeIdx, parseIdxImages, parseIdxLabels } from './idx.js';
import { balancedSubset } from './make-fixture.js';
import { FIXTURE_DIR, loadFashionMnist } from './source.js';

const tiny = { images: Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i), labels: Uint8Array.from([3, 9]), count: 2, rows: 2, cols: 3 };

describe('IDX', () => {
  it('round-trips plain and gzipped files', () => {
    const { images, labels } = encodeIdx(tiny);
    expect(combineIdx(images, labels)).toEqual(tiny);
    expect(combineIdx(gzipSync(images), gzipSync(labels))).toEqual(tiny);
  });

  it('rejects wrong magic numbers, truncation, count mismatches and bad labels', () => {
    const { images, labels } = encodeIdx(tiny);
    const manyLabels = encodeIdx({ ...tiny, labels: new Uint8Array(20), count: 20 }).labels;
    expect(() => parseIdxImages(manyLabels)).toThrow(/magic number 0x00000801, expected 0x00000803/);
    expect(() => parseIdxLabels(images)).toThrow(/magic/);
    expect(() => parseIdxImages(images.subarray(0, images.length - 1))).toThrow(/header promises/);
    expect(() => parseIdxImages(images.subarray(0, 10))).toThrow(/shorter than the 16-byte header/);
    expect(() => parseIdxImages(gzipSync(images).subarray(0, 20))).toThrow(/corrupt gzip/);
    const oneLabel = encodeIdx({ ...tiny, labels: Uint8Array.from([1]), count: 1 }).labels;
    expect(() => combineIdx(images, oneLabel)).toThrow(expect.objectContaining({ code: 'InvalidArgument', details: expect.objectContaining({ reason: 'count-mismatch' }) }));
    expect(() => combineIdx(images, labels, 5)).toThrow(/label 9 at index 1 is above 5/);
  });
});

describe('committed fixture', () => {
  it('holds 2,000 train and 1,000 test images, balanced across the 10 classes', async () => {
    const data = await loadFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } });
    expect(data.location.origin).toBe('env');
    for (const [split, perClass] of [['train', 200], ['test', 100]] as const) {
      const { count, rows, cols, labels } = data[split];
      expect({ count, rows, cols }).toEqual({ count: perClass * 10, rows: 28, cols: 28 });
      const histogram = new Array(10).fill(0);
      for (const l of labels) histogram[l]++;
      expect(histogram).toEqual(new Array(10).fill(perClass));
    }
  });

  it('balancedSubset keeps file order and the first N of each class', () => {
    const data = { images: Uint8Array.from([0, 1, 2, 3, 4, 5]), labels: Uint8Array.from([1, 1, 0, 1, 0, 0]), count: 6, rows: 1, cols: 1 };
    const { subset, indices } = balancedSubset(data, 2);
    expect(indices).toEqual([0, 1, 2, 4]);
    expect([...subset.labels]).toEqual([1, 1, 0, 0]);
  });
});
