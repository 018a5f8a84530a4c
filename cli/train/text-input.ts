import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { TEXT_FILE_EXTENSIONS } from '../../pipelines/text-classification/read-texts.js';
import { TEXT_TRAIN_ARGS, TEXT_TRAIN_FLAGS } from './text-train-options.js';

/** Files `polyfaas train` reads as one table of labelled texts. */
const TEXT_TABLE_EXTENSIONS = ['.csv', '.tsv', '.jsonl', '.ndjson'];
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];

/**
 * True when `polyfaas train <args>` is about text: a text-only option, a
 * table file (`.csv`, `.jsonl`…), or a folder whose class folders hold
 * `.txt`/`.eml` files and no images. Anything else (including a path that
 * does not exist) stays with the image flow, whose errors name the problem.
 */
export async function isTextTraining(args: readonly string[]): Promise<boolean> {
  if (args.some((a) => (TEXT_TRAIN_FLAGS as readonly string[]).some((flag) => a === flag || a.startsWith(`${flag}=`)))) return true;
  // Image-only options take values too; declared so their values are not mistaken for the input.
  const imageOnly = { size: { type: 'string' }, width: { type: 'string' }, height: { type: 'string' }, channels: { type: 'string' } } as const;
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: false, options: { ...TEXT_TRAIN_ARGS, ...imageOnly } });
  const input = positionals[0];
  if (!input) return false;
  let info;
  try {
    info = await stat(input);
  } catch {
    return false;
  }
  if (info.isFile()) return TEXT_TABLE_EXTENSIONS.includes(extname(input).toLowerCase());
  const found = await countFiles(input, 3);
  return found.text > 0 && found.images === 0;
}

/** Text and image files in `dir` and its folders down to `depth` levels (hidden entries skipped). */
async function countFiles(dir: string, depth: number): Promise<{ text: number; images: number }> {
  const found = { text: 0, images: 0 };
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory() && depth > 1) {
      const inner = await countFiles(join(dir, entry.name), depth - 1);
      found.text += inner.text;
      found.images += inner.images;
    } else if (entry.isFile()) {
      const ext = extname(entry.name).toLowerCase();
      // Loose files beside the class folders (a README, notes.txt) say nothing about the data.
      if (depth === 3) continue;
      if ((TEXT_FILE_EXTENSIONS as readonly string[]).includes(ext)) found.text++;
      else if (IMAGE_EXTENSIONS.includes(ext)) found.images++;
    }
  }
  return found;
}
