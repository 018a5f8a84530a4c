// Loaded for every `polyfaas bundle azure`, --help included: the entry planner
// (which loads @azure/functions) is imported once the needed packages are known to be there.
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFunction } from '../../../bundling/esbuild-bundle.js';
import { formatBytes, shortPath } from '../../../bundling/format.js';
import { defaultOutDir, writeOutput } from '../../../bundling/output-dir.js';
import { zipDirectory } from '../../../bundling/zip.js';
import { parseBucketFlags } from '../../../bundling/bucket-flags.js';
import { requirePackages } from '../../../bundling/entry/packages.js';
import type { Io } from '../../../cli/registry.js';
import { PolyfaasError } from '../../../src/index.js';
import { bucketEnvName, generateWarmupToken, WARMUP_TOKEN_ENV } from '../../../src/adapter.js';
import { AUTH_LEVEL_ENV } from '../auth-level.js';
import { apiKeyEnvNames, PUBLIC_FLAG_HELP, secretName } from '../../../bundling/access.js';
import { hostJson } from '../host-json.js';
import { functionAppPackageJson, localSettings, requiredAppSettings } from './function-app.js';
import { alwaysReadyCommands, everyMinutesNcrontab, parseCount, parseWarmupRate, WARMUP_TIMER, warmupEntrySource, warmupTargets } from './warmup.js';

/** Packages `polyfaas bundle azure` needs besides polyfaas: the functions library the entry registers with, the Blob client it bundles. */
export const BUNDLE_PACKAGES = ['@azure/functions', '@azure/storage-blob'] as const;

const USAGE = `polyfaas bundle azure <entry-file> [options]

Writes a deployable Azure Functions app (Node.js v4 programming model) for the
app behind <entry-file> (a tiny .ts or .js module that calls registerAzure(app),
e.g. src/azure.ts): host.json, package.json (main + @azure/functions, and sharp
if the code uses it, as dependencies), the esbuild bundle, the TensorFlow.js
WASM files if the app uses a model, and a local.settings.json template without
secrets. Prints the publish command and the app settings to set.

Needs ${BUNDLE_PACKAGES.join(' and ')} installed.

Options:
  --out <dir>                 output folder (default .polyfaas/azure/<app-name>)
  --bucket <name>=<azblob-url> bind a logical bucket, e.g. data=azblob://fashion/prod (repeatable)
  --app-name <name>           Function App name to show in the publish command
  --zip                       also write <out>.zip (for zip deploy)
  --warmup <rate>             add a timer function "${WARMUP_TIMER}" (1m-60m, e.g. 5m)
                              that keeps the app's instance loaded and sends each
                              HTTP route the x-polyfaas-warmup header via
                              $WEBSITE_HOSTNAME with the token generated for this
                              bundle (app setting POLYFAAS_WARMUP_TOKEN): init
                              runs, the handler does not (default: off). Prints
                              the always-ready commands too
  --always-ready <n>          print the Premium / Flex Consumption commands that keep
                              n instances initialised (the stronger alternative)
${PUBLIC_FLAG_HELP}
                          (HTTP triggers get authLevel 'anonymous' through the
                          app setting POLYFAAS_AZURE_AUTH_LEVEL; default 'function':
                          callers send a function key in x-functions-key)
  -h, --help                  show this help

API keys (auth.apiKeys) are never bundled: the printed app settings reference
Key Vault (@Microsoft.KeyVault(SecretUri=…/secrets/<app>-polyfaas-api-keys/)).`;

/**
 * `polyfaas bundle azure`: one function-app folder for the whole app (Azure
 * deploys all functions of an app together).
 */
export async function bundleCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      bucket: { type: 'string', multiple: true },
      'app-name': { type: 'string' },
      zip: { type: 'boolean' },
      warmup: { type: 'string' },
      'always-ready': { type: 'string' },
      public: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const warmupMinutes = values.warmup === undefined ? undefined : parseWarmupRate(values.warmup);
  const alwaysReady = values['always-ready'] === undefined ? undefined : parseCount('--always-ready', values['always-ready']);
  const [entry] = positionals;
  if (!entry) throw new PolyfaasError('InvalidArgument', `Name the entry file.\n\n${USAGE}`);
  const bindings = parseBucketFlags(values.bucket, 'azblob');
  requirePackages('polyfaas bundle azure', BUNDLE_PACKAGES);
  const { planEntry } = await import('./plan.js');

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

  const outDir = resolve(values.out ?? defaultOutDir('azure', plan.app.name));
  const main = 'index.mjs';
  const warmTargets = warmupTargets(plan);
  if (warmupMinutes && plan.functions.some((f) => f.name === WARMUP_TIMER)) throw new PolyfaasError('InvalidArgument', `--warmup adds a function named "${WARMUP_TIMER}"; the app already has one`);
  // One warm-up token per bundle: the timer sends it, the runtime (same app, same settings) checks it.
  // API keys: a Key Vault reference the platform resolves at run time (the app's managed identity needs get on secrets).
  const keyVault = Object.fromEntries(apiKeyEnvNames(plan.app).map((name) => [name, `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/${secretName(plan.app, name)}/)`]));
  const settings = {
    ...requiredAppSettings(plan, bindings),
    ...(values.public ? { [AUTH_LEVEL_ENV]: 'anonymous' } : {}),
    ...keyVault,
    ...(warmupMinutes ? { [WARMUP_TOKEN_ENV]: generateWarmupToken() } : {}),
  };
  const { bundle, dependencies } = await writeOutput(outDir, async () => {
    let bundleEntry = resolve(entry);
    if (warmupMinutes) {
      // The entry registers only the app's functions; a generated entry beside it imports it and adds the timer to the same app.
      bundleEntry = join(dirname(bundleEntry), `.${basename(bundleEntry)}.${randomUUID().slice(0, 8)}.polyfaas-warmup.mjs`);
      await writeFile(bundleEntry, warmupEntrySource(`./${basename(entry)}`, warmTargets, warmupMinutes));
    }
    const built = await bundleFunction({ entry: bundleEntry, outDir, outFile: main, external: ['@azure/functions', 'sharp'] }).finally(() =>
      bundleEntry !== resolve(entry) ? rm(bundleEntry, { force: true }) : undefined,
    );
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
    await writeFile(join(outDir, 'host.json'), json(hostJson(plan.app)));
    const pkg = functionAppPackageJson(plan.app, main, built.externalPackages);
    await writeFile(join(outDir, 'package.json'), json(pkg));
    await writeFile(join(outDir, 'local.settings.json'), json(localSettings(settings)));
    await writeFile(join(outDir, '.funcignore'), 'local.settings.json\n');
    return { bundle: built, dependencies: Object.keys(pkg.dependencies as Record<string, string>) };
  });

  const appName = values['app-name'] ?? '<function-app-name>';
  const lines = [
    `Bundled ${plan.app.name} for Azure Functions → ${shortPath(outDir)}`,
    `  ${main} ${formatBytes(bundle.jsBytes)} + WASM ${formatBytes(bundle.wasmBytes)}`,
    '',
    'Functions:',
    ...plan.functions.map((f) => `  ${f.name.padEnd(22)} ${f.trigger.padEnd(9)} ${f.methods ? `${f.methods.join(',')} ` : ''}${f.target ?? ''}`),
    ...(warmupMinutes ? [`  ${WARMUP_TIMER.padEnd(22)} ${'timer'.padEnd(9)} ${everyMinutesNcrontab(warmupMinutes)} (added by --warmup)`] : []),
    '',
    'App settings (az functionapp config appsettings set --name <app> --resource-group <rg> --settings KEY=VALUE ...):',
    ...Object.entries(settings).map(([k, v]) => `  ${k}=${v}`),
    '  (leave WEBSITE_TIME_ZONE unset: schedules are UTC)',
  ];
  const grid = plan.functions.filter((f) => f.trigger === 'eventGrid');
  if (grid.length > 0 || plan.blobSource === 'EventGrid') {
    lines.push('', 'Event Grid: subscribe the storage account to these functions (az eventgrid event-subscription create --source-resource-id <storage-account-id> ...):');
    for (const f of grid) lines.push(`  ${f.name}: --included-event-types Microsoft.Storage.BlobDeleted --endpoint-type azurefunction --endpoint <function-resource-id>`);
    if (plan.blobSource === 'EventGrid') lines.push('  blob triggers (source EventGrid): --included-event-types Microsoft.Storage.BlobCreated --endpoint https://<app>.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.<name>&code=<blobs_extension key>');
  }
  if (warmupMinutes) {
    const pinged = warmTargets.map((t) => `${t.method} ${t.path}`).join(', ');
    lines.push(
      '',
      `Warm-up (--warmup ${warmupMinutes}m): the timer ${WARMUP_TIMER} runs in this app every ${warmupMinutes} min. That keeps the app's`,
      '  instance loaded; its functions share one worker and one polyfaas runtime, so inits already done stay done.',
      ...(pinged
        ? [
            `  Each run also sends x-polyfaas-warmup with ${WARMUP_TOKEN_ENV} (app setting above) to ${pinged} on https://$WEBSITE_HOSTNAME,`,
            "  so their init runs (the handler does not). With authLevel 'function', set POLYFAAS_WARMUP_KEY=<function key>.",
          ]
        : []),
      '  On Consumption keep the rate under ~20 min (idle instances are unloaded). One instance stays warm; scale-out starts cold.',
    );
  }
  if (warmupMinutes || alwaysReady) {
    lines.push('', `Stronger: keep ${alwaysReady ?? 1} instance(s) initialised ahead of traffic (billed while idle; the line for your plan):`, ...alwaysReadyCommands(appName, alwaysReady ?? 1).map((c) => `  ${c}`));
  }
  const routes = plan.functions.filter((f) => f.trigger === 'http' && f.target);
  const example = `https://${appName}.azurewebsites.net/${(routes[0]?.target ?? '').replace(/^\//, '')}`;
  const keyHeader = Object.keys(keyVault).length > 0 ? ' -H "x-api-key: $POLYFAAS_API_KEY"' : '';
  lines.push(
    '',
    ...(values.public
      ? ["Access: --public: HTTP triggers are authLevel 'anonymous' (the app's own auth, if any, still applies):", `  curl${keyHeader} ${example}`]
      : [
          "Access: private. HTTP triggers are authLevel 'function': callers send a function key. Get one and call:",
          `  az functionapp keys list --name ${appName} --resource-group <rg> --query functionKeys.default -o tsv`,
          `  curl -H "x-functions-key: <function key>"${keyHeader} ${example}`,
        ]),
  );
  if (Object.keys(keyVault).length > 0) {
    lines.push(`API keys: create the secret in Key Vault (az keyvault secret set --vault-name <vault> --name ${secretName(plan.app, Object.keys(keyVault)[0] as string)} --value '<id>:<key>:<scopes>'); the bundle never contains it.`);
  }
  lines.push('', `Next: deploy (the server installs ${dependencies.join(' and ')}):`, `  cd ${shortPath(outDir)} && func azure functionapp publish ${appName} --javascript --build remote`);
  if (values.zip) {
    const zipPath = `${outDir}.zip`;
    const bytes = await zipDirectory(outDir, zipPath);
    lines.push(`  or zip deploy ${shortPath(zipPath)} (${formatBytes(bytes)}) with SCM_DO_BUILD_DURING_DEPLOYMENT=true`);
  }
  io.out.write(`${lines.join('\n')}\n`);
  return 0;
}
