import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { parseCsv } from './csv.js';
import { readTexts } from './read-texts.js';
import { readTextDataset, readTextRecords } from './text-dataset.js';
import { uploadTexts } from './upload-texts.js';

describe('reading labelled texts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-texts-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    expect(parseCsv('a,b\r\n"x, ""y""\nz",1\n\n')).toEqual([['a', 'b'], ['x, "y"\nz', '1']]);
    expect(() => parseCsv('a\n"open')).toThrow(/unterminated/);
  });

  it('reads CSV and JSONL with configurable column names, and reports a missing column', async () => {
    await writeFile(join(dir, 'd.csv'), 'body,kind\n"Win, now",spam\nhello,ham\n');
    expect(await readTexts(join(dir, 'd.csv'), { text: 'body', label: 'kind' })).toEqual([
      { text: 'Win, now', label: 'spam' },
      { text: 'hello', label: 'ham' },
    ]);
    await expect(readTexts(join(dir, 'd.csv'))).rejects.toMatchObject({ code: 'InvalidArgument', message: expect.stringContaining('"text"') });
    await writeFile(join(dir, 'd.jsonl'), '{"t":"a","y":1,"split":"test"}\n\n{"t":"b","y":0}\n');
    expect(await readTexts(join(dir, 'd.jsonl'), { text: 't', label: 'y' })).toEqual([
      { text: 'a', label: '1', split: 'test' },
      { text: 'b', label: '0' },
    ]);
    await writeFile(join(dir, 'bad.jsonl'), '{"t":\n');
    await expect(readTexts(join(dir, 'bad.jsonl'))).rejects.toMatchObject({ code: 'InvalidArgument', message: 'bad.jsonl line 1 is not JSON' });
  });

  it('reads a folder per class of .txt and .eml files, reducing e-mail to subject and body', async () => {
    const root = join(dir, 'folders');
    await mkdir(join(root, 'ham'), { recursive: true });
    await mkdir(join(root, 'spam'), { recursive: true });
    await writeFile(join(root, 'ham', 'a.txt'), 'lunch at noon');
    await writeFile(join(root, 'spam', 'b.eml'), 'Received: relay\r\nSubject: Free money\r\n\r\nClick here');
    await writeFile(join(root, 'spam', 'ignored.png'), 'x');
    expect(await readTexts(root)).toEqual([
      { text: 'lunch at noon', label: 'ham' },
      { text: 'Free money\nClick here', label: 'spam' },
    ]);
  });
});

describe('uploadTexts', () => {
  it('splits each class with a seeded shuffle, writes parts then _dataset.json, and reads back', async () => {
    const bucket = new MemoryBucket('t');
    const examples = Array.from({ length: 50 }, (_, i) => ({ text: `text ${i}`, label: i % 5 === 0 ? 'spam' : 'ham' }));
    const summary = await uploadTexts(bucket, examples, { dataset: 'd', testRatio: 0.2, seed: 3, recordsPerPart: 16 });
    // 3 train parts of 16 records, 1 test part, and one _dataset.json per split.
    expect(summary).toEqual({ dataset: 'd', classes: ['ham', 'spam'], splits: { train: 40, test: 10 }, written: 6 });
    const test = await readTextDataset(bucket, 'd', 'test');
    const records = await readTextRecords(bucket, test!.manifest);
    expect(records.filter((r) => r.label === 1)).toHaveLength(2);
    const again = new MemoryBucket('u');
    await uploadTexts(again, examples, { dataset: 'd', testRatio: 0.2, seed: 3 });
    expect(await readTextRecords(again, (await readTextDataset(again, 'd', 'test'))!.manifest)).toEqual(records);
    await expect(uploadTexts(bucket, [{ text: 'x', label: 'other' }], { dataset: 'd', classes: ['ham'] })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(uploadTexts(bucket, examples, { dataset: '../up' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
