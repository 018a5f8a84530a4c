// Loaded for every `polyfaas bundle azure`, --help included: the entry planner
// (which loads @azure/functions) and the bundler are imported once the needed packages are known to be there.
import { parseArgs } from 'node:util';
import { PUBLIC_FLAG_HELP, secretName } from '../../../bundling/access.js';
import { parseBucketFlags } from '../../../bundling/bucket-flags.js';
import type { CloudBundler, ParsedFlags } from '../../../bundling/cloud-bundler.js';
import { formatBytes, shortPath } from '../../../bundling/format.js';
import { WARMUP_TOKEN_ENV } from '../../../src/adapter.js';
import type { AzureBundle, AzureBundleOptions, AzurePlannedBundle } from './function-app-bundle.js';
import { alwaysReadyCommands, everyMinutesNcrontab, parseCount, parseWarmupRate, WARMUP_TIMER } from './warmup.js';

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

/** `polyfaas bundle azure` arguments: every flag checked before bundling. */
function bundleFlags(args: string[]): ParsedFlags<AzureBundleOptions> {
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
  if (values.help) return { help: true };
  const warmupMinutes = values.warmup === undefined ? undefined : parseWarmupRate(values.warmup);
  const alwaysReady = values['always-ready'] === undefined ? undefined : parseCount('--always-ready', values['always-ready']);
  return {
    help: false,
    entry: positionals[0],
    options: {
      ...(values.out ? { outDir: values.out } : {}),
      buckets: parseBucketFlags(values.bucket, 'azblob'),
      ...(values['app-name'] ? { appName: values['app-name'] } : {}),
      ...(values.zip ? { zip: true } : {}),
      ...(warmupMinutes ? { warmupMinutes } : {}),
      ...(alwaysReady ? { alwaysReady } : {}),
      ...(values.public ? { public: true } : {}),
    },
  };
}

/** The functions, the app settings to set, access, warm-up and the publish command. */
function bundleReport(result: AzureBundle): string {
  const { plan, options, settings, keyVault, warmTargets } = result.planned;
  const { warmupMinutes, alwaysReady } = options;
  const main = result.main;
  const appName = options.appName ?? '<function-app-name>';
  const lines = [
    `Bundled ${plan.app.name} for Azure Functions → ${shortPath(result.outDir)}`,
    `  ${main} ${formatBytes(result.bundle.jsBytes)} + WASM ${formatBytes(result.bundle.wasmBytes)}`,
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
    ...(options.public
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
  lines.push('', `Next: deploy (the server installs ${result.dependencies.join(' and ')}):`, `  cd ${shortPath(result.outDir)} && func azure functionapp publish ${appName} --javascript --build remote`);
  if (result.zip) lines.push(`  or zip deploy ${shortPath(result.zip.path)} (${formatBytes(result.zip.bytes)}) with SCM_DO_BUILD_DURING_DEPLOYMENT=true`);
  return `${lines.join('\n')}\n`;
}

/**
 * The Azure bundler: one function-app folder for the whole app (Azure deploys
 * all functions of an app together), and the settings and command to publish it.
 */
export const azureBundler: CloudBundler<AzureBundleOptions, AzurePlannedBundle, AzureBundle> = {
  cloud: 'azure',
  usage: USAGE,
  flags: bundleFlags,
  packages: () => BUNDLE_PACKAGES,
  plan: async (entry, options) => (await import('./function-app-bundle.js')).planAzureBundle(entry, options),
  write: async (plan, outDir) => (await import('./function-app-bundle.js')).writeAzureBundle(plan, outDir),
  report: bundleReport,
};
