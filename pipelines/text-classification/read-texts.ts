import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { PolyfaasError } from '../../src/index.js';
import { parseCsv } from './csv.js';
import { mailText } from './mail-text.js';
import type { TextExample } from './text-dataset.js';

/** Which columns (CSV) or fields (JSONL) hold what. */
export interface TextColumns {
  /** Default `text`. */
  text?: string;
  /** Default `label`. */
  label?: string;
  /** Optional column naming each example's split (`train`/`test`); default `split` when present. */
  split?: string;
}

/** Extensions read from class folders; `.eml` files are reduced to subject + body. */
export const TEXT_FILE_EXTENSIONS = ['.txt', '.eml'] as const;

/**
 * Read labelled texts from a `.csv`, `.jsonl`/`.ndjson` file, or a folder
 * with one folder per class of `.txt`/`.eml` files (optionally inside `train/`
 * and `test/` folders, which then give the split).
 *
 * @throws `InvalidArgument` naming the line or file that is not usable, `NotFound` for a missing path.
 */
export async function readTexts(path: string, columns: TextColumns = {}): Promise<TextExample[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new PolyfaasError('NotFound', `${basename(path)} does not exist`, { cause: err });
  }
  if (info.isDirectory()) return readFolder(path);
  const ext = extname(path).toLowerCase();
  const text = await readFile(path, 'utf8');
  if (ext === '.csv' || ext === '.tsv') return fromCsv(text, ext === '.tsv' ? '\t' : ',', columns, basename(path));
  if (ext === '.jsonl' || ext === '.ndjson') return fromJsonl(text, columns, basename(path));
  throw new PolyfaasError('InvalidArgument', `${basename(path)}: expected a .csv, .tsv, .jsonl or .ndjson file, or a folder of class folders`);
}

/** Labelled texts from CSV text with a header row. */
export function fromCsv(text: string, delimiter: string, columns: TextColumns, name = 'csv'): TextExample[] {
  const [header, ...rows] = parseCsv(text, delimiter);
  if (!header) return [];
  const col = (wanted: string, required: boolean) => {
    const i = header.findIndex((h) => h.trim() === wanted);
    if (i < 0 && required) throw new PolyfaasError('InvalidArgument', `${name} has no column "${wanted}" (columns: ${header.join(', ')})`);
    return i;
  };
  const t = col(columns.text ?? 'text', true);
  const l = col(columns.label ?? 'label', true);
  const s = col(columns.split ?? 'split', columns.split !== undefined);
  return rows.map((row, i) => {
    const label = row[l]?.trim();
    if (row[t] === undefined || !label) throw new PolyfaasError('InvalidArgument', `${name} row ${i + 2} has no text or label`);
    const split = s >= 0 ? row[s]?.trim() : undefined;
    return { text: row[t] as string, label, ...(split ? { split } : {}) };
  });
}

/** Labelled texts from JSON Lines. */
export function fromJsonl(text: string, columns: TextColumns, name = 'jsonl'): TextExample[] {
  const out: TextExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new PolyfaasError('InvalidArgument', `${name} line ${i + 1} is not JSON`);
    }
    const t = value[columns.text ?? 'text'];
    const l = value[columns.label ?? 'label'];
    const s = value[columns.split ?? 'split'];
    if (typeof t !== 'string' || (typeof l !== 'string' && typeof l !== 'number')) {
      throw new PolyfaasError('InvalidArgument', `${name} line ${i + 1} needs a string "${columns.text ?? 'text'}" and a "${columns.label ?? 'label'}"`);
    }
    out.push({ text: t, label: String(l), ...(typeof s === 'string' && s ? { split: s } : {}) });
  });
  return out;
}

async function readFolder(dir: string): Promise<TextExample[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  const names = entries.map((e) => e.name);
  const splitFolders = names.includes('train') && names.includes('test') ? ['train', 'test'] : undefined;
  if (splitFolders) return (await Promise.all(splitFolders.map(async (split) => (await readClassFolders(join(dir, split))).map((e) => ({ ...e, split }))))).flat();
  return readClassFolders(dir);
}

async function readClassFolders(dir: string): Promise<TextExample[]> {
  const classes = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const out: TextExample[] = [];
  for (const label of classes) {
    const files = (await readdir(join(dir, label))).filter((f) => (TEXT_FILE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())).sort();
    for (const file of files) {
      const raw = await readFile(join(dir, label, file), 'utf8');
      out.push({ text: extname(file).toLowerCase() === '.eml' ? mailText(raw) : raw, label });
    }
  }
  return out;
}
