import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The entry and every chunk it imports statically (what Node loads before the handler exists). */
export async function staticallyLoaded(dir: string, entry: string): Promise<Map<string, string>> {
  const loaded = new Map<string, string>();
  const visit = async (file: string): Promise<void> => {
    if (loaded.has(file)) return;
    const code = await readFile(join(dir, file), 'utf8');
    loaded.set(file, code);
    // Static forms only: `import{a}from"./chunk-X.mjs"` and `import"./chunk-X.mjs"`; `import("./…")` is lazy.
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/(chunk-[A-Za-z0-9]+\.mjs)"/g)) await visit(m[1] as string);
  };
  await visit(entry);
  return loaded;
}

/** Bare module specifiers (externals) the given code imports statically, e.g. `@google-cloud/storage`. */
export function staticExternalImports(code: string): string[] {
  return [...code.matchAll(/(?:from|import)\s*["']([^."'][^"']*)["']/g)].map((m) => m[1] as string);
}
