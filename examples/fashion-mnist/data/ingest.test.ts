import { describe, expect, it } from 'vitest';
import { MemoryBucket } from 'polyfaas/memory';
import type { ObjectInfo, PutBody, PutOptions } from 'polyfaas';
import { decodeImage, parseDatasetManifest } from 'polyfaas/pipelines';
import { ingest } from './ingest.js';
import { FIXTURE_DIR, loadFashionMnist } from './source.js';

class RecordingBucket extends MemoryBucket {
  readonly log: string[] = [];
  override async put(key: string, body: PutBody, options?: PutOptions): Promise<ObjectInfo> {
    const info = await super.put(key, body, options);
    this.log.push(key);
    return info;
  }
}

describe('ingest', () => {
  it('writes greyscale PNGs under <split>/<label>-<slug>/<index>.png, then the dataset manifest', async () => {
    const data = await loadFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } });
    const bucket = new RecordingBucket();
    const progress: number[] = [];
    const result = await ingest(bucket, data, { splits: ['train'], limit: 12, onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ train: { count: 12, written: 13, unchanged: 0, replaced: 0, removed: 0, manifestKey: 'raw/fashion-mnist/train/_dataset.json' }, test: undefined });
    expect(progress).toHaveLength(12);
    expect(bucket.log.at(-1)).toBe('raw/fashion-mnist/train/_dataset.json');

    const label = data.train.labels[0]!;
    const slug = ['t-shirt-top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'][label];
    const first = await bucket.get(`raw/fashion-mnist/train/${label}-${slug}/00000.png`);
    expect(first.contentType).toBe('image/png');
    expect(first.body[25]).toBe(0); // PNG colour type 0: greyscale
    const decoded = await decodeImage(first.body, { width: 28, height: 28, channels: 1 });
    expect([...decoded.pixels]).toEqual([...data.train.images.subarray(0, 784)]);

    const manifest = parseDatasetManifest((await bucket.get('raw/fashion-mnist/train/_dataset.json')).body);
    expect(manifest).toMatchObject({ dataset: 'fashion-mnist', split: 'train', count: 12, source: { origin: 'env', limit: 12, of: 2000 } });
    expect(manifest.classes[9]).toBe('Ankle boot');
  });

  it('replaces an object whose content differs and leaves identical ones alone', async () => {
    const data = await loadFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } });
    const bucket = new RecordingBucket();
    await ingest(bucket, data, { splits: ['test'], limit: 3, prefix: 'raw/fm/' });
    const [victim] = bucket.log;
    await bucket.put(victim!, 'tampered');
    const again = await ingest(bucket, data, { splits: ['test'], limit: 3, prefix: 'raw/fm/' });
    expect(again.test).toMatchObject({ written: 0, unchanged: 3, replaced: 1 });
    expect(parseDatasetManifest((await bucket.get('raw/fm/test/_dataset.json')).body).dataset).toBe('fm');
  });
});
