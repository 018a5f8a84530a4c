import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';

/** Clouds `polyfaas bundle` writes for. */
export type Cloud = 'aws' | 'gcp' | 'azure';

/**
 * Where `polyfaas bundle <cloud>` writes an app unless `--out` says otherwise:
 * `.polyfaas/<cloud>/<app>` under the working directory, the same for every
 * cloud and apart from a compiler's `dist/`.
 */
export function defaultOutDir(cloud: Cloud, appName: string): string {
  return resolve('.polyfaas', cloud, appName);
}

/**
 * Run `write`, which fills `dir`; if it throws, remove the folders it created
 * (`dir` and any missing parents), so a failed bundle leaves no empty or
 * half-written folder behind. A folder that existed before is left in place.
 */
export async function writeOutput<T>(dir: string, write: () => Promise<T>): Promise<T> {
  const target = resolve(dir);
  let existing = target;
  while (!existsSync(existing)) existing = dirname(existing);
  try {
    return await write();
  } catch (err) {
    if (existing !== target) {
      const [first] = relative(existing, target).split(sep);
      await rm(resolve(existing, first as string), { recursive: true, force: true });
    }
    throw err;
  }
}
