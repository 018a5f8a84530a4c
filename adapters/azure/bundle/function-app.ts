import { installedVersion } from '../../../bundling/entry/packages.js';
import type { AppDefinition } from '../../../src/index.js';
import { bucketEnvName } from '../../../src/adapter.js';
import { CONNECTION_STRING_ENV } from '../blob-bucket.js';
import type { AzurePlan } from '../register.js';

/**
 * package.json of the function app: `main` is the bundle; `@azure/functions`
 * installs on deploy, and the native `sharp` too when the bundled code imports
 * it (`externals`: the packages the bundle left external). Versions are pinned
 * to the installed ones.
 */
export function functionAppPackageJson(app: AppDefinition, main: string, externals: readonly string[] = []): Record<string, unknown> {
  return {
    name: `${app.name}-azure`,
    version: '1.0.0',
    private: true,
    description: `${app.name} on Azure Functions, bundled by polyfaas`,
    main,
    engines: { node: '>=20' },
    dependencies: {
      '@azure/functions': installedVersion('@azure/functions'),
      ...(externals.includes('sharp') ? { sharp: installedVersion('sharp') } : {}),
    },
  };
}

/** App settings the function app needs, with placeholders instead of secrets. */
export function requiredAppSettings(plan: AzurePlan, bindings: Readonly<Record<string, string>>): Record<string, string> {
  const settings: Record<string, string> = {
    FUNCTIONS_WORKER_RUNTIME: 'node',
    AzureWebJobsStorage: '<storage account connection string (host state)>',
    [plan.connection]: '<connection string of the account holding the buckets>',
  };
  if (plan.connection !== CONNECTION_STRING_ENV) settings[CONNECTION_STRING_ENV] = '<connection string of the account holding the buckets>';
  for (const name of Object.keys(plan.app.buckets)) {
    settings[bucketEnvName(name)] = bindings[name] ?? `azblob://<container>/<prefix>`;
  }
  return settings;
}

/** local.settings.json for `func start`: the same settings, secrets left empty. */
export function localSettings(settings: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) values[key] = value.startsWith('<') ? '' : value;
  return { IsEncrypted: false, Values: values };
}
