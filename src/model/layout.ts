import { validatePrefix } from '../storage/keys.js';

/** File name of a version's manifest; written last, deleted first. */
export const MANIFEST_JSON = 'manifest.json';

/**
 * Where a store's objects live. Kept in one place so the layout documented in
 * `store.ts` and the code cannot drift apart.
 */
export class ModelLayout {
  /** Store root, always ending in `/` (or empty for the bucket root). */
  readonly root: string;

  constructor(prefix: string) {
    this.root = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    validatePrefix(this.root);
  }

  /** `<prefix><name>/versions/`: the folder listing every version. */
  versionsFolder(name: string): string {
    return `${this.root}${name}/versions/`;
  }

  /** `<prefix><name>/versions/<version>/`. */
  versionFolder(name: string, version: string): string {
    return `${this.versionsFolder(name)}${version}/`;
  }

  /** `<prefix><name>/versions/<version>/manifest.json`. */
  manifestKey(name: string, version: string): string {
    return this.versionFolder(name, version) + MANIFEST_JSON;
  }

  /** `<prefix><name>/aliases/`. */
  aliasesFolder(name: string): string {
    return `${this.root}${name}/aliases/`;
  }

  /** `<prefix><name>/aliases/<alias>.json`. */
  aliasKey(name: string, alias: string): string {
    return `${this.aliasesFolder(name)}${alias}.json`;
  }
}
