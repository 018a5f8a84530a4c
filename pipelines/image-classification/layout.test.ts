import { describe, expect, it } from 'vitest';
import { DATASET_MANIFEST_FORMAT, encodeDatasetManifest, parseDatasetManifest } from './dataset-manifest.js';
import { classSlug, errorKey, exampleShardKey, labelDir, labelFromDir, parseRawKey, versionId } from './layout.js';

describe('layout', () => {
  it('parses images and dataset manifests, ignoring everything else', () => {
    expect(parseRawKey('raw/fashion-mnist/train/9-ankle-boot/00001.png')).toEqual({
      kind: 'image',
      dataset: 'fashion-mnist',
      split: 'train',
      labelDir: '9-ankle-boot',
      file: '00001.png',
    });
    expect(parseRawKey('raw/cats/test/_dataset.json')).toEqual({ kind: 'dataset-manifest', dataset: 'cats', split: 'test' });
    for (const key of ['raw/a/b/c/readme.txt', 'raw/a/b/c/d/e.png', 'raw/a/b/_meta/e.png', 'other/a/b/c/e.png', 'raw/a/b/c/.hidden.png']) {
      expect(parseRawKey(key), key).toBeUndefined();
    }
    expect(parseRawKey('data/x/y/z/IMG.JPEG', { rawPrefix: 'data/', featuresPrefix: 'f/', errorsPrefix: 'e/' })?.kind).toBe('image');
  });

  it('names label directories and reads labels back', () => {
    expect(classSlug('T-shirt/top')).toBe('t-shirt-top');
    expect(labelDir(9, 'Ankle boot')).toBe('9-ankle-boot');
    expect(labelDir(3, '猫')).toBe('3-class');
    expect(labelFromDir('9-ankle-boot')).toBe(9);
    expect(labelFromDir('12')).toBe(12);
    expect(labelFromDir('dog', ['cat', 'dog'])).toBe(1);
    expect(labelFromDir('ankle-boot', ['Ankle boot'])).toBe(0);
    expect(labelFromDir('dog')).toBeUndefined();
    expect(() => classSlug('///')).toThrow(/usable/);
  });

  it('derives output keys from the input key and etag', () => {
    const image = parseRawKey('raw/d/s/1-x/a.png');
    if (image?.kind !== 'image') throw new Error('parse');
    expect(exampleShardKey(image, 'raw/d/s/1-x/a.png', 'e1')).toBe(`features/d/s/examples/${versionId('raw/d/s/1-x/a.png', 'e1')}.pfs`);
    expect(exampleShardKey(image, 'raw/d/s/1-x/a.png', 'e2')).not.toBe(exampleShardKey(image, 'raw/d/s/1-x/a.png', 'e1'));
    expect(errorKey(image, 'raw/d/s/1-x/a.png', 'e1')).toMatch(/^errors\/d\/s\/1-x\/a\.png\.[0-9a-f]{24}\.json$/);
  });

  it('round-trips dataset manifests deterministically and rejects bad ones', () => {
    const bytes = encodeDatasetManifest({ dataset: 'd', split: 's', count: 2, classes: ['a', 'b'], source: { origin: 'fixture' } });
    expect(encodeDatasetManifest({ dataset: 'd', split: 's', count: 2, classes: ['a', 'b'], source: { origin: 'fixture' } })).toEqual(bytes);
    expect(parseDatasetManifest(bytes)).toEqual({ format: DATASET_MANIFEST_FORMAT, dataset: 'd', split: 's', count: 2, classes: ['a', 'b'], source: { origin: 'fixture' } });
    expect(() => parseDatasetManifest(new TextEncoder().encode('{"format":"x"}'))).toThrow(/format must be/);
    expect(() => parseDatasetManifest(new TextEncoder().encode('nope'))).toThrow(/not JSON/);
  });
});
