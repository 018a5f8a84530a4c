// Loaded for every `polyfaas bundle gcp`, --help included: it imports no SDK
// and no bundler; the work is imported once the needed packages are known to be there.
import { parseArgs } from 'node:util';
import { PUBLIC_FLAG_HELP } from '../../../bundling/access.js';
import { parseBucketFlags } from '../../../bundling/bucket-flags.js';
import type { CloudBundler, ParsedFlags } from '../../../bundling/cloud-bundler.js';
import { formatBytes, shortPath } from '../../../bundling/format.js';
import type { GcpBundle, GcpFlagOptions, GcpPlannedBundle } from './gcp-bundle.js';
import { everyMinutesCron, parseCount, parseWarmupRate } from './warmup.js';

/** Packages `polyfaas bundle gcp` needs besides polyfaas: the entry loads the framework, the bundle pins both. */
export const BUNDLE_PACKAGES = ['@google-cloud/functions-framework', '@google-cloud/storage'] as const;

const USAGE = `polyfaas bundle gcp <entry-file> [options]

Bundles the app behind <entry-file> (a tiny .ts or .js file that exports the
app and calls registerGcp(app), e.g. src/gcp.ts) into one Cloud Functions
(2nd gen) source folder: index.mjs, a package.json whose dependencies Cloud
Build installs (the Functions Framework; the Cloud Storage client and sharp if
the code uses them) and the tfjs WASM files if the app uses a model. Prints
the gcloud command that deploys each function.

Needs ${BUNDLE_PACKAGES.join(' and ')} installed.

Options:
  --out <dir>             output folder (default .polyfaas/gcp/<app>)
  --bucket <name>=<url>   bind a logical bucket, e.g. --bucket data=gs://my-bucket/fashion/
                          (repeatable; needed by storage triggers)
  --region <region>       default us-central1
  --runtime <runtime>     default nodejs20
  --export <name>         named export holding the app (default: app, then default)
  --warmup <rate>         also print, per HTTP function, a Cloud Scheduler job
                          (1m-60m, e.g. 5m) calling its URL with the
                          x-polyfaas-warmup header set to a token generated for
                          this bundle (also set as POLYFAAS_WARMUP_TOKEN on the
                          function): init runs, the handler does not. Keeps
                          one instance warm (default: off)
  --warmup-sa <email>     service account the warm-up jobs sign OIDC tokens as
                          (default: a placeholder to fill in)
  --min-instances <n>     deploy HTTP functions with --min-instances=n: n
                          instances stay initialised, billed while idle
${PUBLIC_FLAG_HELP}
                          (--allow-unauthenticated instead of IAM: only callers
                          with an identity token and run.invoker by default)
  --no-minify             keep the bundle readable
  -h, --help              show this help

API keys (auth.apiKeys) are read at run time from Secret Manager
(--set-secrets POLYFAAS_API_KEYS=<app>-polyfaas-api-keys:latest), never bundled.`;

/** `polyfaas bundle gcp` arguments: every flag checked before bundling. */
function bundleFlags(args: string[]): ParsedFlags<GcpFlagOptions> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      bucket: { type: 'string', multiple: true, default: [] },
      region: { type: 'string' },
      runtime: { type: 'string' },
      export: { type: 'string' },
      warmup: { type: 'string' },
      'warmup-sa': { type: 'string' },
      'min-instances': { type: 'string' },
      'no-minify': { type: 'boolean', default: false },
      public: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const warmupMinutes = values.warmup === undefined ? undefined : parseWarmupRate(values.warmup);
  const minInstances = values['min-instances'] === undefined ? undefined : parseCount('--min-instances', values['min-instances']);
  return {
    help: false,
    entry: positionals[0],
    options: {
      ...(values.out ? { outDir: values.out } : {}),
      buckets: parseBucketFlags(values.bucket, 'gs'),
      ...(values.region ? { region: values.region } : {}),
      ...(values.runtime ? { runtime: values.runtime } : {}),
      ...(values.export ? { exportName: values.export } : {}),
      ...(values['no-minify'] ? { minify: false } : {}),
      ...(warmupMinutes ? { warmupMinutes } : {}),
      ...(values['warmup-sa'] ? { warmupServiceAccount: values['warmup-sa'] } : {}),
      ...(minInstances ? { minInstances } : {}),
      ...(values.public ? { public: true } : {}),
    },
  };
}

/** The source folder's size and dependencies, then the `gcloud` commands that deploy each function. */
function bundleReport(result: GcpBundle): string {
  const out: string[] = [];
  out.push(`Source folder ${shortPath(result.sourceDir)}: ${formatBytes(result.bundle.jsBytes)} JS + ${formatBytes(result.bundle.wasmBytes)} WASM\n`);
  out.push(`Dependencies installed by Cloud Build: ${Object.entries(result.packageJson.dependencies as Record<string, string>).map(([n, v]) => `${n}@${v}`).join(', ')}\n\n`);
  out.push('Next: deploy each function with gcloud (the source folder is uploaded and built by Cloud Build):\n\n');
  for (const plan of result.plans) {
    out.push(`# ${plan.function}: ${plan.trigger}, ${plan.memoryMb} MiB, ${plan.timeoutSeconds} s\n`);
    for (const step of plan.setup) out.push(`${step}\n`);
    out.push(`${plan.command}\n`);
    if (plan.warmup.length > 0) {
      out.push(`# warm-up ping of ${plan.function} (${everyMinutesCron(result.options.warmupMinutes ?? 5)} UTC), once it is deployed:\n${plan.warmup.join('\n')}\n`);
    }
    if (plan.call) out.push(`# call ${plan.function}:\n${plan.call.join('\n')}\n`);
    out.push('\n');
  }
  out.push(
    result.options.public
      ? 'Access: --public: the HTTP functions accept unauthenticated calls (the app\'s own auth, if any, still applies).\n'
      : 'Access: private (IAM). Grant callers roles/run.invoker: gcloud functions add-invoker-policy-binding <function> --region=<region> --member=user:<email>\n',
  );
  for (const secret of result.secrets) {
    out.push(`Secret: printf '%s' "<id>:<key>:<scopes>" | gcloud secrets create ${secret} --data-file=- (and grant the function's service account roles/secretmanager.secretAccessor)\n`);
  }
  return out.join('');
}

/**
 * The GCP bundler: one Cloud Functions (2nd gen) source folder for the app and
 * the `gcloud functions deploy` command of every function.
 */
export const gcpBundler: CloudBundler<GcpFlagOptions, GcpPlannedBundle, GcpBundle> = {
  cloud: 'gcp',
  usage: USAGE,
  flags: bundleFlags,
  packages: () => BUNDLE_PACKAGES,
  plan: async (entry, options) => (await import('./gcp-bundle.js')).planGcpBundle(entry, options),
  write: async (plan, outDir) => (await import('./gcp-bundle.js')).writeGcpBundle(plan, outDir),
  report: bundleReport,
};
