import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { apiKeyEnvNames, secretName } from '../../../bundling/access.js';
import type { BundleResult } from '../../../bundling/esbuild-bundle.js';
import { bundleFunction } from '../../../bundling/esbuild-bundle.js';
import { zipDirectory } from '../../../bundling/zip.js';
import { PolyfaasError } from '../../../src/index.js';
import { bucketEnvName, generateWarmupToken, WARMUP_TOKEN_ENV } from '../../../src/adapter.js';
import { AUTH_LEVEL_ENV } from '../auth-level.js';
import { hostJson } from '../host-json.js';
import type { AzurePlan } from '../register.js';
import { functionAppPackageJson, localSettings, requiredAppSettings } from './function-app.js';
import { planEntry } from './plan.js';
import type { WarmupTarget } from './warmup.js';
import { WARMUP_TIMER, warmupEntrySource, warmupTargets } from './warmup.js';

/** What `polyfaas bundle azure` takes besides the entry. */
export interface AzureBundleOptions {
  /** Default `.polyfaas/azure/<app>`. */
  outDir?: string;
  /** Logical bucket → `azblob://` URL for this deployment. */
  buckets?: Record<string, string>;
  /** Function App name shown in the printed commands. */
  appName?: string;
  /** Also write `<outDir>.zip` for zip deploy. */
  zip?: boolean;
  /** Add the warm-up timer function, firing every this many minutes. */
  warmupMinutes?: number;
  /** Print the commands that keep this many instances initialised. */
  alwaysReady?: number;
  /** HTTP triggers get authLevel `anonymous`. */
  public?: boolean;
}

/** The function app as the entry registers it, with the settings it needs, before anything is written. */
export interface AzurePlannedBundle {
  appName: string;
  entry: string;
  plan: AzurePlan;
  options: AzureBundleOptions;
  /** App settings to set, with placeholders for secrets. */
  settings: Record<string, string>;
  /** API key variables → their Key Vault references. */
  keyVault: Record<string, string>;
  warmTargets: WarmupTarget[];
}

/** What the Azure bundler wrote. */
export interface AzureBundle {
  outDir: string;
  /** The bundle's entry file name inside `outDir`. */
  main: string;
  planned: AzurePlannedBundle;
  bundle: BundleResult;
  /** Packages the server installs on deploy. */
  dependencies: string[];
  /** `<outDir>.zip` when asked for. */
  zip?: { path: string; bytes: number };
}

/**
 * Learn what the entry registers (the `plan` step of the Azure bundler): the
 * functions, and the app settings with one warm-up token per bundle (the timer
 * sends it, the runtime of the same app checks it) and API keys as Key Vault
 * references the platform resolves at run time.
 */
export async function planAzureBundle(entry: string, options: AzureBundleOptions): Promise<AzurePlannedBundle> {
  const bindings = options.buckets ?? {};
  const env: Record<string, string> = {};
  for (const [name, url] of Object.entries(bindings)) env[bucketEnvName(name)] = url;
  // Registration checks that storage-triggered buckets are bound to Blob Storage, so planning needs the bindings.
  const plan = await planEntry(resolve(entry), env).catch((err: unknown) => {
    // The entry runs from its own compiled copy of polyfaas, so its errors are not instances of this PolyfaasError.
    const message = err instanceof Error ? err.message : String(err);
    if (/not bound to Blob Storage/.test(message)) {
      throw new PolyfaasError('InvalidArgument', `${message} (for bundling: --bucket <name>=azblob://<container>/<prefix>)`, { cause: err });
    }
    throw err;
  });
  if (options.warmupMinutes && plan.functions.some((f) => f.name === WARMUP_TIMER)) throw new PolyfaasError('InvalidArgument', `--warmup adds a function named "${WARMUP_TIMER}"; the app already has one`);
  const keyVault = Object.fromEntries(apiKeyEnvNames(plan.app).map((name) => [name, `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/${secretName(plan.app, name)}/)`]));
  const settings = {
    ...requiredAppSettings(plan, bindings),
    ...(options.public ? { [AUTH_LEVEL_ENV]: 'anonymous' } : {}),
    ...keyVault,
    ...(options.warmupMinutes ? { [WARMUP_TOKEN_ENV]: generateWarmupToken() } : {}),
  };
  return { appName: plan.app.name, entry, plan, options, settings, keyVault, warmTargets: warmupTargets(plan) };
}

/** Bundle the function app into `outDir` with host.json, package.json and local.settings.json, and the zip if asked (the `write` step). */
export async function writeAzureBundle(planned: AzurePlannedBundle, outDir: string): Promise<AzureBundle> {
  const { entry, options, plan } = planned;
  const main = 'index.mjs';
  let bundleEntry = resolve(entry);
  if (options.warmupMinutes) {
    // The entry registers only the app's functions; a generated entry beside it imports it and adds the timer to the same app.
    bundleEntry = join(dirname(bundleEntry), `.${basename(bundleEntry)}.${randomUUID().slice(0, 8)}.polyfaas-warmup.mjs`);
    await writeFile(bundleEntry, warmupEntrySource(`./${basename(entry)}`, planned.warmTargets, options.warmupMinutes));
  }
  const built = await bundleFunction({ entry: bundleEntry, outDir, outFile: main, external: ['@azure/functions', 'sharp'] }).finally(() =>
    bundleEntry !== resolve(entry) ? rm(bundleEntry, { force: true }) : undefined,
  );
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(join(outDir, 'host.json'), json(hostJson(plan.app)));
  const pkg = functionAppPackageJson(plan.app, main, built.externalPackages);
  await writeFile(join(outDir, 'package.json'), json(pkg));
  await writeFile(join(outDir, 'local.settings.json'), json(localSettings(planned.settings)));
  await writeFile(join(outDir, '.funcignore'), 'local.settings.json\n');
  const result: AzureBundle = { outDir, main, planned, bundle: built, dependencies: Object.keys(pkg.dependencies as Record<string, string>) };
  if (options.zip) {
    const path = `${outDir}.zip`;
    result.zip = { path, bytes: await zipDirectory(outDir, path) };
  }
  return result;
}
