import { PolyfaasError } from '../src/errors.js';

/**
 * Parse repeated `--bucket <name>=<scheme>://<bucket>/<prefix>` flags into
 * bindings, insisting on the cloud's own scheme so a typo fails at bundle time
 * rather than on the first event in production.
 *
 * @example
 * ```ts
 * parseBucketFlags(['data=s3://prod/fashion/'], 's3'); // { data: 's3://prod/fashion/' }
 * ```
 */
export function parseBucketFlags(flags: readonly string[] | undefined, scheme: 's3' | 'gs' | 'azblob'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    const url = flag.slice(eq + 1);
    if (eq < 1 || !url.startsWith(`${scheme}://`)) {
      throw new PolyfaasError('InvalidArgument', `--bucket wants <name>=${scheme}://<bucket>/<prefix>, got "${flag}"`);
    }
    out[flag.slice(0, eq)] = url;
  }
  return out;
}
