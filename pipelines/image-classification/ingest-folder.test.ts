import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { isPolyfaasError } from '../../src/index.js';
import { parseDatasetManifest } from './dataset-manifest.js';
import type { IngestFolderOptions } from './ingest-folder.js';
import { ingestFolder } from './ingest-folder.js';
import { encodeFixture, readFixture, writeImageFolder } from './test-support/image-folder.js';

const INPUT = { input: { width: 28, height: 28, channels: 1 } } as const satisfies IngestFolderOptions;
let root: string;
let n = 0;
const fresh = async () => {
  const dir = join(root, `case-${++n}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

async function keys(bucket: MemoryBucket, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list({ prefix })) out.push(o.key);
  return out.sort();
}

/** The error `ingestFolder` throws, or a failure if it does not. */
async function refusal(folder: string, options: Partial<IngestFolderOptions> = {}) {
  const err = await ingestFolder(new MemoryBucket(), folder, { ...INPUT, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPolyfaasError(err)) throw new Error(`expected a PolyfaasError, got ${String(err)}`);
  return { code: err.code, reason: err.details?.reason, message: err.message, details: err.details };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'polyfaas-ingest-folder-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('ingestFolder', () => {
  it('uploads <class>/* split by a seeded ratio, skips bad files with reasons, ignores the rest with counts', async () => {
    const dir = await fresh();
    await writeImageFolder(dir, { perClass: 10, labels: [0, 1, 9] });
    const data = await readFixture('train');
    await writeFile(join(dir, 'Trouser', 'photo.JPG'), await encodeFixture(data, 16, 'jpeg'));
    await writeFile(join(dir, 'Trouser', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]));
    await writeFile(join(dir, 'Trouser', 'notes.txt'), 'not an image');
    await writeFile(join(dir, 'Trouser', '.DS_Store'), 'x');
    await writeFile(join(dir, 'README.md'), 'loose file beside the class folders');
    await mkdir(join(dir, 'Trouser', 'nested'));
    await mkdir(join(dir, '.git'));
    await mkdir(join(dir, '__MACOSX', 'Trouser'), { recursive: true });
    await writeFile(join(dir, '__MACOSX', 'Trouser', '._photo.JPG'), 'resource fork');
    await symlink(join(dir, 'T-shirt', 'img 0001.png'), join(dir, 'Trouser', 'link.png'));
    await symlink(join(dir, 'T-shirt'), join(dir, 'Linked class'));

    const bucket = new MemoryBucket();
    const progress: string[] = [];
    const summary = await ingestFolder(bucket, dir, { ...INPUT, dataset: 'clothes', onProgress: (p) => progress.push(p.phase) });
    expect(summary.classes).toEqual(['Ankle boot', 'T-shirt', 'Trouser']);
    expect(summary.split).toBe('seeded');
    expect(summary.skipped).toEqual([{ file: 'Trouser/broken.png', code: 'UnsupportedMediaType', reason: expect.stringMatching(/not a PNG, JPEG, WebP/i) }]);
    expect(summary.ignored).toEqual({ hidden: 3, symlinks: 2, unsupported: 1, misplaced: 2 });
    // 10 per class (11 usable for Trouser, the JPEG included), 20 % held out per class.
    expect(summary.perClass).toEqual({ train: [8, 8, 9], test: [2, 2, 2] });
    expect(summary.train).toMatchObject({ count: 25, written: 26, removed: 0 });
    expect(progress.filter((p) => p === 'check')).toHaveLength(32);
    expect(progress.filter((p) => p === 'upload')).toHaveLength(31);

    const all = await keys(bucket);
    expect(all.filter((k) => k.startsWith('raw/clothes/train/0-ankle-boot/'))).toHaveLength(8);
    expect(all).toContain('raw/clothes/train/_dataset.json');
    expect(all.some((k) => /^raw\/clothes\/(train|test)\/2-trouser\/photo\.jpg$/.test(k))).toBe(true);
    expect(all.some((k) => k.includes(' '))).toBe(false);
    const manifest = parseDatasetManifest((await bucket.get('raw/clothes/test/_dataset.json')).body);
    expect(manifest).toMatchObject({ dataset: 'clothes', split: 'test', count: 6, classes: ['Ankle boot', 'T-shirt', 'Trouser'] });
    // No local path reaches the bucket.
    for (const key of all) expect(new TextDecoder().decode((await bucket.get(key)).body)).not.toContain(root);

    // Same folder, same seed: nothing written. Another seed: images move, stale copies are removed.
    const again = await ingestFolder(bucket, dir, { ...INPUT, dataset: 'clothes' });
    expect([again.train.written, again.test.written, again.train.removed, again.test.removed]).toEqual([0, 0, 0, 0]);
    expect(again.train.unchanged).toBe(26);
    const reseeded = await ingestFolder(bucket, dir, { ...INPUT, dataset: 'clothes', seed: 7 });
    expect(reseeded.test.removed).toBeGreaterThan(0);
    expect((await keys(bucket, 'raw/clothes/')).filter((k) => !k.endsWith('_dataset.json'))).toHaveLength(31);
  });

  it('keeps the user own train/ and test/ split, and names the dataset after the folder', async () => {
    const dir = join(await fresh(), 'My Photos');
    await writeImageFolder(dir, { perClass: 4, labels: [3, 5], split: { test: 2 } });
    const bucket = new MemoryBucket();
    const summary = await ingestFolder(bucket, dir, INPUT);
    expect(summary).toMatchObject({ dataset: 'my-photos', split: 'folders', classes: ['Dress', 'Sandal'], skipped: [] });
    expect(summary.perClass).toEqual({ train: [4, 4], test: [2, 2] });
    expect((await keys(bucket, 'raw/my-photos/test/')).filter((k) => k.endsWith('.png'))).toHaveLength(4);
  });

  it('takes class folders named in any script; the labels keep the names', async () => {
    const dir = await fresh();
    const data = await readFixture('train');
    for (const [c, name] of ['猫', '犬'].entries()) {
      await mkdir(join(dir, name));
      for (let i = 0; i < 3; i++) await writeFile(join(dir, name, `${i}.png`), await encodeFixture(data, c * 3 + i));
    }
    const bucket = new MemoryBucket();
    const summary = await ingestFolder(bucket, dir, { ...INPUT, dataset: 'pets' });
    expect(summary.classes).toEqual(['犬', '猫']);
    expect((await keys(bucket, 'raw/pets/train/')).map((k) => k.split('/')[3])).toEqual(['0-class', '0-class', '1-class', '1-class', '_dataset.json']);
    expect(parseDatasetManifest((await bucket.get('raw/pets/train/_dataset.json')).body).classes).toEqual(['犬', '猫']);
  });

  it('refuses bad folders with coded errors that say what to do', async () => {
    expect(await refusal(join(root, 'missing'))).toMatchObject({ code: 'NotFound', reason: 'folder-not-found' });
    const file = join(await fresh(), 'file.png');
    await writeFile(file, 'x');
    expect(await refusal(file)).toMatchObject({ code: 'InvalidArgument', reason: 'not-a-folder' });

    const empty = await fresh();
    await writeFile(join(empty, 'loose.png'), 'x');
    expect(await refusal(empty)).toMatchObject({ code: 'InvalidArgument', reason: 'no-classes', message: expect.stringMatching(/folder named after it/) });

    const noImages = await fresh();
    await mkdir(join(noImages, 'cats'));
    await writeFile(join(noImages, 'cats', 'a.gif'), 'x');
    expect(await refusal(noImages)).toMatchObject({ reason: 'no-images' });

    const one = await fresh();
    await writeImageFolder(one, { perClass: 3, labels: [1] });
    expect(await refusal(one)).toMatchObject({ code: 'InvalidArgument', reason: 'one-class', message: expect.stringMatching(/at least two/) });

    const tiny = await fresh();
    await writeImageFolder(tiny, { perClass: 5, labels: [0, 1] });
    await writeImageFolder(tiny, { perClass: 1, labels: [7] });
    expect(await refusal(tiny)).toMatchObject({ reason: 'class-without-test-images', details: { classes: ['Sneaker'] } });

    const noTest = await fresh();
    await writeImageFolder(noTest, { perClass: 3, labels: [0, 1], split: { test: 2 } });
    await writeImageFolder(join(noTest, 'train'), { perClass: 3, labels: [8] });
    expect(await refusal(noTest)).toMatchObject({ reason: 'class-without-test-images', message: expect.stringMatching(/test\/<class>\/ for Bag/) });

    const mixed = await fresh();
    await writeImageFolder(mixed, { perClass: 2, labels: [0, 1], split: { test: 1 } });
    await mkdir(join(mixed, 'cats'));
    expect(await refusal(mixed)).toMatchObject({ reason: 'mixed-layout' });

    const half = await fresh();
    await writeImageFolder(join(half, 'train'), { perClass: 2, labels: [0, 1] });
    expect(await refusal(half)).toMatchObject({ reason: 'missing-split', message: expect.stringMatching(/no test\//) });

    expect(await refusal(tiny, { dataset: 'Bad Name' })).toMatchObject({ reason: 'bad-dataset-name' });
    expect(await refusal(tiny, { testRatio: 1.5 })).toMatchObject({ code: 'InvalidArgument', message: expect.stringMatching(/test ratio/) });
  });

  it('lists unreadable images with reasons; fails on them when asked to, and on a class left with none', async () => {
    const dir = await fresh();
    await writeImageFolder(dir, { perClass: 3, labels: [0, 1] });
    await mkdir(join(dir, 'Empty'));
    await writeFile(join(dir, 'Empty', 'zero.png'), new Uint8Array());
    await writeFile(join(dir, 'Empty', 'text.jpg'), 'hello, not a JPEG');
    const emptyClass = await refusal(dir);
    expect(emptyClass).toMatchObject({ reason: 'empty-class', details: { classes: ['Empty'] } });
    expect(emptyClass.message).toContain('Empty/text.jpg');
    expect(emptyClass.message).not.toContain(dir);

    await writeImageFolder(dir, { perClass: 2, labels: [2] });
    await rm(join(dir, 'Empty'), { recursive: true });
    await writeFile(join(dir, 'Pullover', 'cut.png'), (await encodeFixture(await readFixture('train'), 5)).subarray(0, 60));
    const strict = await refusal(dir, { badImages: 'fail' });
    expect(strict).toMatchObject({ reason: 'bad-images', details: { skipped: [{ file: 'Pullover/cut.png', code: 'InvalidArgument' }] } });
    const lenient = await ingestFolder(new MemoryBucket(), dir, INPUT);
    expect(lenient.skipped.map((s) => s.file)).toEqual(['Pullover/cut.png']);
  });
});
