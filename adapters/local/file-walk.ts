import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { validateKey } from '../../src/adapter.js';
import { Confinement, isLinkRefused } from './fs-confine.js';
import { isMissing } from './fs-errors.js';
import { isReservedKey, RESERVED_DIR } from './layout.js';

/** A file found by {@link walkKeys}. */
export interface WalkedFile {
  readonly key: string;
  readonly path: string;
}

/**
 * Yield the keys of regular files under `root` that start with `prefix` and
 * sort after `after`, in lexicographic (UTF-16 code unit) order, reading one
 * directory at a time. Directories that cannot hold a wanted key are skipped
 * unread, so deep pages and narrow prefixes stay cheap.
 *
 * Reserved directories (at any depth), symlinks and names that are not valid
 * keys are never yielded, and linked directories are never entered (not even
 * the one a prefix names: `evil/` lists nothing when `evil` is a link).
 */
export async function* walkKeys(root: string, prefix: string, after: string): AsyncGenerator<WalkedFile> {
  // A prefix whose complete segments include a reserved one can only match reserved keys.
  const completeSegments = prefix.slice(0, Math.max(0, prefix.lastIndexOf('/')));
  if (isReservedKey(completeSegments)) return;
  // Start in the deepest directory the prefix names: `a/b/c` can only match inside `a/b/`.
  const slash = prefix.lastIndexOf('/');
  const startKey = slash < 0 ? '' : prefix.slice(0, slash + 1);
  try {
    if (!new Confinement(root).dirsAreReal(startKey.split('/').slice(0, -1))) return;
  } catch (err) {
    if (isLinkRefused(err)) return;
    throw err;
  }
  yield* walkDir(root, startKey, prefix, after);
}

async function* walkDir(root: string, dirKey: string, prefix: string, after: string): AsyncGenerator<WalkedFile> {
  const dirPath = dirKey ? path.join(root, ...dirKey.slice(0, -1).split('/')) : root;
  let entries: Dirent[];
  try {
    entries = await readdir(dirPath, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  // A directory `x` holds keys `x/...`; sorting it as "x/" interleaves it
  // correctly with sibling files (`x-1` < `x/` < `x0`).
  const sorted = entries
    .filter((e) => (e.isFile() || e.isDirectory()) && e.name !== RESERVED_DIR)
    .map((e) => ({ sortKey: dirKey + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  for (const { sortKey, dir } of sorted) {
    if (dir) {
      const couldMatch = sortKey.startsWith(prefix) || prefix.startsWith(sortKey);
      // Every key under `sortKey` is below `after` unless `after` itself lies inside.
      const allBefore = sortKey <= after && !after.startsWith(sortKey);
      if (couldMatch && !allBefore) yield* walkDir(root, sortKey, prefix, after);
    } else if (sortKey.startsWith(prefix) && sortKey > after && isValidKey(sortKey)) {
      yield { key: sortKey, path: path.join(root, ...sortKey.split('/')) };
    }
  }
}

function isValidKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}
