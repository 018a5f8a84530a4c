import type { Writable } from 'node:stream';
import { PolyfaasError } from '../src/errors.js';
import type { BundleOptions, CloudBundler, CloudDeployer, PlannedBundle } from './cloud-bundler.js';
import { bundleWith } from './cloud-bundler.js';
import { requirePackages } from './entry/packages.js';

/** Streams a command writes to. */
export interface Io {
  out: Pick<Writable, 'write'>;
  err: Pick<Writable, 'write'>;
}

/**
 * `polyfaas bundle <cloud> …` for any cloud: help, flags (checked first, as
 * bundling takes a while), the entry, the cloud's packages in one message,
 * then plan, write and the report.
 *
 * @returns the exit code.
 */
export async function runBundleCommand<O extends BundleOptions, P extends PlannedBundle, R>(bundler: CloudBundler<O, P, R>, args: string[], io: Io): Promise<number> {
  const parsed = bundler.flags(args);
  if (parsed.help) {
    io.out.write(`${bundler.usage}\n`);
    return 0;
  }
  if (!parsed.entry) throw new PolyfaasError('InvalidArgument', `Name the entry file.\n\n${bundler.usage}`);
  requirePackages(`polyfaas bundle ${bundler.cloud}`, bundler.packages(parsed.options));
  const result = await bundleWith(bundler, parsed.entry, parsed.options);
  io.out.write(bundler.report(result));
  return 0;
}

/**
 * `polyfaas deploy <cloud> …` for a cloud whose bundler has a deployer.
 *
 * @returns the exit code.
 */
export async function runDeployCommand<O>(cloud: string, deployer: CloudDeployer<O>, args: string[], io: Io): Promise<number> {
  const parsed = deployer.flags(args);
  if (parsed.help) {
    io.out.write(`${deployer.usage}\n`);
    return 0;
  }
  requirePackages(`polyfaas deploy ${cloud}`, deployer.packages);
  await deployer.deploy(parsed.entry, parsed.options, (line) => io.out.write(`${line}\n`));
  return 0;
}
