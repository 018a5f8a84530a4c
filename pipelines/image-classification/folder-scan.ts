import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PolyfaasError } from '../../src/index.js';
import { IMAGE_EXTENSIONS } from './layout.js';

/** The split folder names a user's folder may already be divided into. */
export const SPLIT_FOLDERS = ['train', 'test'] as const;

/** One image file found in a user's folder. */
export interface FoundImage {
  /** Split folder it sat in, when the folder was already split. */
  readonly split?: (typeof SPLIT_FOLDERS)[number];
  readonly className: string;
  /** Path relative to the folder, `/`-separated: what messages show. */
  readonly relative: string;
  /** Absolute path, for reading only; never shown or stored. */
  readonly path: string;
}

/** Entries passed over without being read, by why. */
export interface IgnoredCounts {
  /** Names starting with `.` (e.g. `.DS_Store`, `.git`), and `__MACOSX` folders. */
  hidden: number;
  /** Symbolic links: never followed, so nothing outside the folder is read. */
  symlinks: number;
  /** Files without a .png, .jpg, .jpeg or .webp extension. */
  unsupported: number;
  /** Folders inside a class folder, and files beside the class folders. */
  misplaced: number;
}

/** What {@link scanImageFolder} found. */
export interface FolderScan {
  /** `split`: the user split it into train/ and test/; `classes`: one folder per class. */
  readonly mode: 'split' | 'classes';
  /** Class names, sorted; a class's index is its label. */
  readonly classes: readonly string[];
  readonly images: readonly FoundImage[];
  readonly ignored: IgnoredCounts;
}

/** A coded error about the user's folder, with what to do next. */
export function folderError(reason: string, message: string, details: Record<string, unknown> = {}): PolyfaasError {
  return new PolyfaasError('InvalidArgument', message, { details: { reason, ...details } });
}

/**
 * Find the images of a folder in the usual convention: `<class>/<image>`, or
 * `train/<class>/<image>` and `test/<class>/<image>` when already split.
 * Hidden entries, symlinks, other extensions and misplaced entries are
 * counted and passed over; images are not opened here.
 *
 * @throws PolyfaasError `NotFound` (no such folder) or `InvalidArgument` with
 *   `details.reason`: `not-a-folder`, `no-classes`, `mixed-layout`, `missing-split`, `no-images`.
 */
export async function scanImageFolder(dir: string): Promise<FolderScan> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new PolyfaasError('NotFound', `No folder at ${dir}`, { details: { reason: 'folder-not-found' } });
  if (!info.isDirectory()) throw folderError('not-a-folder', `${dir} is a file; give the folder that holds one sub-folder per class`);
  const ignored: IgnoredCounts = { hidden: 0, symlinks: 0, unsupported: 0, misplaced: 0 };
  const top = (await visible(dir, ignored)).filter((e) => {
    if (e.isDirectory()) return true;
    ignored.misplaced++;
    return false;
  });
  const splitDirs = top.filter((e) => (SPLIT_FOLDERS as readonly string[]).includes(e.name));
  if (splitDirs.length === 0) {
    if (top.length === 0) throw noClasses(dir);
    const images = (await Promise.all(top.map((c) => classImages(join(dir, c.name), c.name, c.name, undefined, ignored)))).flat();
    return finish('classes', top.map((c) => c.name), images, ignored);
  }
  const others = top.filter((e) => !splitDirs.includes(e));
  if (others.length) {
    throw folderError(
      'mixed-layout',
      `${dir} mixes split folders (${splitDirs.map((e) => e.name).join(', ')}) with other folders (${others.map((e) => e.name).slice(0, 5).join(', ')}): ` +
        'either put every class under train/ and test/, or remove train/ and test/ and let polyfaas split (--test-ratio)',
    );
  }
  const missing = SPLIT_FOLDERS.filter((s) => !splitDirs.some((e) => e.name === s));
  if (missing.length) {
    throw folderError('missing-split', `${dir} has ${splitDirs[0]!.name}/ but no ${missing[0]}/: add ${missing[0]}/<class>/ images, or move the class folders up a level and let polyfaas split (--test-ratio)`);
  }
  const images: FoundImage[] = [];
  const classes = new Set<string>();
  for (const split of SPLIT_FOLDERS) {
    for (const c of (await visible(join(dir, split), ignored)).filter((e) => e.isDirectory() || (ignored.misplaced++, false))) {
      classes.add(c.name);
      images.push(...(await classImages(join(dir, split, c.name), c.name, `${split}/${c.name}`, split, ignored)));
    }
  }
  if (classes.size === 0) throw noClasses(dir);
  return finish('split', [...classes], images, ignored);
}

function noClasses(dir: string): PolyfaasError {
  return folderError('no-classes', `${dir} has no class folders: put each class's images in a folder named after it (cats/1.jpg, dogs/2.png, …), or in train/<class>/ and test/<class>/`);
}

function finish(mode: FolderScan['mode'], classes: string[], images: FoundImage[], ignored: IgnoredCounts): FolderScan {
  if (images.length === 0) {
    throw folderError('no-images', `Found class folders (${classes.slice(0, 5).join(', ')}) but no .png, .jpg, .jpeg or .webp files in them`, { ignored });
  }
  // Code-unit order, not locale order: the same folder gives the same labels on every machine.
  return { mode, classes: [...classes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), images: images.sort((a, b) => (a.relative < b.relative ? -1 : 1)), ignored };
}

/** Directory entries that are neither hidden nor symlinks (those are counted). */
async function visible(dir: string, ignored: IgnoredCounts): Promise<Dirent[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => {
    // __MACOSX is the resource-fork folder a zip made on a Mac unpacks to: hidden in spirit, never a class.
    if (e.name.startsWith('.') || e.name === '__MACOSX') ignored.hidden++;
    else if (e.isSymbolicLink()) ignored.symlinks++;
    else return true;
    return false;
  });
}

async function classImages(dir: string, className: string, relDir: string, split: FoundImage['split'], ignored: IgnoredCounts): Promise<FoundImage[]> {
  const out: FoundImage[] = [];
  for (const e of await visible(dir, ignored)) {
    if (!e.isFile()) ignored.misplaced++;
    else if (!IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) ignored.unsupported++;
    else out.push({ ...(split ? { split } : {}), className, relative: `${relDir}/${e.name}`, path: join(dir, e.name) });
  }
  return out;
}
