import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTextTraining } from './text-input.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-text-input-'));
  const files: Record<string, string> = {
    'mail/ham/1.txt': 'hi',
    'mail/spam/1.eml': 'Subject: win',
    'split/train/a/1.txt': 'x',
    'split/test/a/2.txt': 'y',
    'photos/cat/1.png': 'png',
    'photos/notes.txt': 'where these came from',
    'mixed/cat/1.jpg': 'jpg',
    'mixed/cat/caption.txt': 'a cat',
    'data.csv': 'text,label\n',
    'data.JSONL': '',
    'image.png': '',
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('isTextTraining: which flow polyfaas train takes', () => {
  it('text for table files, folders of .txt/.eml class folders, and any text-only option', async () => {
    for (const args of [['mail'], ['split'], ['data.csv'], ['data.JSONL'], ['--epochs', '2', 'data.csv'], ['photos', '--text'], ['x', '--label-column=kind']]) {
      expect(await isTextTraining(args.map((a) => (a.startsWith('-') ? a : join(dir, a)))), args.join(' ')).toBe(true);
    }
  });

  it('images for image folders (loose notes beside them ignored), mixed folders, other files and missing paths', async () => {
    for (const args of [['photos'], ['mixed'], ['image.png'], ['missing'], ['--size', '28', 'photos'], []]) {
      expect(await isTextTraining(args.map((a) => (a.startsWith('-') || /^\d+$/.test(a) ? a : join(dir, a)))), args.join(' ')).toBe(false);
    }
  });
});
