import { relative } from 'node:path';

/** `12.3 MB`-style sizes for reports. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** A path relative to the working directory, for messages. */
export function shortPath(path: string): string {
  return relative(process.cwd(), path) || '.';
}
