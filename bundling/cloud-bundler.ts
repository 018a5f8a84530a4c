import { resolve } from 'node:path';
import type { Cloud } from './output-dir.js';
import { defaultOutDir, writeOutput } from './output-dir.js';

export type { Cloud } from './output-dir.js';

/** What a cloud's flag parser found: help asked for, or the entry and the checked options. */
export type ParsedFlags<O> = { help: true } | { help: false; entry: string | undefined; options: O };

/** Options every cloud's bundle takes. */
export interface BundleOptions {
  /** Folder to write. Default `.polyfaas/<cloud>/<app>`. */
  outDir?: string;
}

/** What planning learned before anything is written: at least the app's name, which names the default folder. */
export interface PlannedBundle {
  appName: string;
}

/**
 * One cloud's bundler: everything `polyfaas bundle <cloud>` needs, behind the
 * same shape for every cloud. The CLI reaches adapters' bundlers only through
 * this interface (registered in cli/clouds.ts), and a bundler's module must
 * import no SDK and no bundler when loaded, so `--help` works with no peer
 * installed: `plan` and `write` import the heavy code.
 *
 * The steps run in order, see {@link bundleWith} and `runBundleCommand`:
 * `flags` checks every flag (before anything slow), `packages` names the peers
 * to check, `plan` loads the entry and derives the deployment without writing,
 * `write` fills the output folder (removed again if it fails), `report` says what
 * was written and how to deploy it.
 */
export interface CloudBundler<O extends BundleOptions = BundleOptions, P extends PlannedBundle = PlannedBundle, R = unknown> {
  readonly cloud: Cloud;
  /** `polyfaas bundle <cloud> --help`. */
  readonly usage: string;
  /** Parse `polyfaas bundle <cloud>` arguments; a bad flag throws `InvalidArgument`. */
  flags(args: string[]): ParsedFlags<O>;
  /** Packages the bundle needs installed besides polyfaas, for these options. */
  packages(options: O): readonly string[];
  /** Load the entry and plan the deployment; writes nothing. */
  plan(entry: string, options: O): Promise<P>;
  /** Write the artifacts and deployment files into `outDir`. */
  write(plan: P, outDir: string): Promise<R>;
  /** What to print after writing: sizes, files and the commands that deploy them. */
  report(result: R): string;
  /** `polyfaas deploy <cloud>`, for clouds that polyfaas deploys itself. */
  readonly deploy?: CloudDeployer;
}

/** `polyfaas deploy <cloud>`: deploys what the cloud's bundler wrote. */
export interface CloudDeployer<O = unknown> {
  /** `polyfaas deploy <cloud> --help`. */
  readonly usage: string;
  /** Parse `polyfaas deploy <cloud>` arguments (the entry is optional). */
  flags(args: string[]): ParsedFlags<O>;
  /** Packages the deploy needs installed besides polyfaas. */
  readonly packages: readonly string[];
  /** Deploy, reporting progress and results a line at a time. */
  deploy(entry: string | undefined, options: O, log: (line: string) => void): Promise<void>;
}

/**
 * Plan, then write into `options.outDir` or `.polyfaas/<cloud>/<app>`: the one
 * place the output folder is chosen, and a failed write leaves no new folder.
 *
 * @example
 * ```ts
 * const result = await bundleWith(awsBundler, 'src/aws.ts', { region: 'eu-west-1' });
 * ```
 */
export async function bundleWith<O extends BundleOptions, P extends PlannedBundle, R>(
  bundler: Pick<CloudBundler<O, P, R>, 'cloud' | 'plan' | 'write'>,
  entry: string,
  options: O,
): Promise<R> {
  const plan = await bundler.plan(entry, options);
  const outDir = resolve(options.outDir ?? defaultOutDir(bundler.cloud, plan.appName));
  return writeOutput(outDir, () => bundler.write(plan, outDir));
}
