// Loaded for every `polyfaas bundle|deploy aws`, --help included: it imports no
// SDK and no bundler; the work is imported once the needed packages are known to be there.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../../src/errors.js';
import { PUBLIC_FLAG_HELP } from '../../../bundling/access.js';
import { parseBucketFlags } from '../../../bundling/bucket-flags.js';
import type { CloudBundler, CloudDeployer, ParsedFlags } from '../../../bundling/cloud-bundler.js';
import { formatBytes, shortPath } from '../../../bundling/format.js';
import { defaultOutDir } from '../../../bundling/output-dir.js';
import { accessNotes } from './access-notes.js';
import type { AwsBundle, AwsBundleOptions, AwsPlannedBundle } from './bundle-app.js';
import { PLAN_FILE } from './plan-file.js';
import type { LambdaAppPlan } from './plan.js';
import { isWarmed } from './templates.js';
import { eventBridgeRate, parseCount, parseWarmupRate } from './warmup.js';

/** Packages `polyfaas bundle aws` needs besides polyfaas: the S3 SDK it bundles. */
export const BUNDLE_PACKAGES = ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'] as const;
/** Packages `polyfaas deploy aws` needs: the Lambda and S3 clients it calls. */
export const DEPLOY_PACKAGES = ['@aws-sdk/client-lambda', '@aws-sdk/client-s3'] as const;

const BUNDLE_USAGE = `polyfaas bundle aws <entry-file> [options]

Bundles the app exported by <entry-file> (a .ts or .js file exporting "app"
and the Lambda "handler", e.g. src/aws.ts) into one folder and zip per
function, writes serverless.yml (Serverless Framework v3), template.yaml (AWS
SAM, S3 triggers included) and ${PLAN_FILE} (read by polyfaas deploy aws), and
prints the three ways to deploy them.

Needs ${BUNDLE_PACKAGES.join(' and ')} installed (bundled with the code,
which runs the SDK version it was tested with); --external-aws-sdk uses the
one the nodejs20.x runtime provides instead. The tfjs WASM files ship only if
the app uses a model; sharp, if the app uses it, stays external: install it per
folder for linux-x64 before uploading (npm install --omit=dev --os=linux
--cpu=x64) or provide it as a layer.

Options:
  --out <dir>              output folder (default .polyfaas/aws/<app>)
  --bucket <name=s3://b/p> bind a logical bucket for this deployment (repeatable)
  --region <region>        AWS region (default $AWS_REGION or us-east-1)
  --external-aws-sdk       do not bundle @aws-sdk/*
  --warmup <rate>          add an EventBridge schedule (1m-60m, e.g. 5m) sending
                           {"polyfaas":"warmup"} to every HTTP function and every
                           function with an init: init runs, the handler does not.
                           Keeps one instance per function warm (default: off)
  --provisioned <n>        provisionedConcurrency / ProvisionedConcurrencyConfig of
                           n for HTTP functions: no cold start for up to n
                           concurrent requests, billed while configured
${PUBLIC_FLAG_HELP}
                          (default: Function URLs and HTTP API routes use AWS_IAM,
                          unless the app authenticates every HTTP function itself)
  --no-minify              readable output
  -h, --help               show this help

API keys (auth.apiKeys) are never bundled: the templates resolve them from
Secrets Manager at deploy time (<app>-polyfaas-api-keys).

Both templates carry --warmup and --provisioned; polyfaas deploy aws does not
create schedules or provisioned concurrency.`;

const DEPLOY_USAGE = `polyfaas deploy aws [<entry-file>] [options]

Creates or updates each function of a bundle made by polyfaas bundle aws
(needs ${DEPLOY_PACKAGES.join(' and ')}):
CreateFunction or UpdateFunctionCode + UpdateFunctionConfiguration, waits
until active, PublishVersion; a Function URL for HTTP functions; the S3
permission and bucket notification for storage functions.

Options:
  --bundle <dir>   bundle folder (default .polyfaas/aws/<app> for the app of
                   <entry-file>, else the only app bundled in .polyfaas/aws)
  --role <arn>     execution role for new functions (required unless --dry-run)
  --region <r>     override the region in the plan
  --dry-run        print the plan, change nothing
  -h, --help       show this help`;

/** `polyfaas bundle aws` arguments: every flag checked before bundling, which takes a while. */
function bundleFlags(args: string[]): ParsedFlags<AwsBundleOptions> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      bucket: { type: 'string', multiple: true },
      region: { type: 'string' },
      'external-aws-sdk': { type: 'boolean', default: false },
      warmup: { type: 'string' },
      provisioned: { type: 'string' },
      'no-minify': { type: 'boolean', default: false },
      public: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const warmupMinutes = values.warmup === undefined ? undefined : parseWarmupRate(values.warmup);
  const provisionedConcurrency = values.provisioned === undefined ? undefined : parseCount('--provisioned', values.provisioned);
  return {
    help: false,
    entry: positionals[0],
    options: {
      ...(values.out ? { outDir: values.out } : {}),
      buckets: parseBucketFlags(values.bucket, 's3'),
      externalAwsSdk: values['external-aws-sdk'],
      minify: !values['no-minify'],
      ...(values.region ? { region: values.region } : {}),
      ...(warmupMinutes ? { warmupMinutes } : {}),
      ...(provisionedConcurrency ? { provisionedConcurrency } : {}),
      ...(values.public ? { public: true } : {}),
    },
  };
}

/** Sizes, templates written, and the three ways to deploy them. */
function bundleReport(result: AwsBundle): string {
  const lines: string[] = [];
  for (const a of result.artifacts) {
    lines.push(`${a.name.padEnd(16)} ${shortPath(a.zip)}  zip ${formatBytes(a.zipBytes)}  (js ${formatBytes(a.jsBytes)}, wasm ${formatBytes(a.wasmBytes)})`);
  }
  const { warmupMinutes, provisionedConcurrency } = result.warm;
  if (warmupMinutes) {
    const warmed = result.plan.functions.filter(isWarmed).map((f) => f.name);
    lines.push(`warm-up: ${eventBridgeRate(warmupMinutes)} → ${warmed.length ? warmed.join(', ') : '(no HTTP function and no init: nothing to warm)'}`);
  }
  if (provisionedConcurrency) {
    const http = result.plan.functions.filter((f) => f.trigger.type === 'http').map((f) => f.name);
    lines.push(`provisioned concurrency ${provisionedConcurrency}: ${http.length ? http.join(', ') : '(no HTTP function)'}`);
  }
  const out = shortPath(result.outDir);
  lines.push(
    `wrote ${shortPath(join(out, 'serverless.yml'))}, ${shortPath(join(out, 'template.yaml'))}, ${shortPath(join(out, PLAN_FILE))}`,
    '',
    'Next: deploy with one of',
    `  npx polyfaas deploy aws --bundle ${out} --role <execution-role-arn>`,
    `  cd ${out} && sam deploy --guided --template-file template.yaml --capabilities CAPABILITY_IAM`,
    `  cd ${out} && serverless deploy`,
  );
  const notes = accessNotes(result.plan);
  if (notes.length > 0) lines.push('', ...notes);
  if (result.needsSharp) {
    lines.push('', 'The code uses sharp (native): before deploying, run in each function folder', '  npm install --omit=dev --os=linux --cpu=x64', 'and zip it again, or attach a sharp layer.');
  }
  return `${lines.join('\n')}\n`;
}

/** The bundle folder deploy reads: `--bundle`, else the entry's app folder, else the only app in `.polyfaas/aws`. */
async function bundleFolder(given: string | undefined, entry: string | undefined): Promise<string> {
  if (given) return given;
  if (entry) {
    const { loadEntryApp } = await import('./bundle-app.js');
    return defaultOutDir('aws', (await loadEntryApp(entry)).name);
  }
  const base = resolve('.polyfaas/aws');
  const apps = existsSync(base) ? (await readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory() && existsSync(join(base, d.name, PLAN_FILE))) : [];
  if (apps.length === 1) return join(base, (apps[0] as { name: string }).name);
  throw new PolyfaasError(
    'NotFound',
    apps.length === 0 ? 'Nothing bundled in .polyfaas/aws: run polyfaas bundle aws <entry-file> first' : `Several apps are bundled in .polyfaas/aws (${apps.map((a) => a.name).join(', ')}): pass the entry file or --bundle`,
  );
}

/** What `polyfaas deploy aws` takes besides the entry. */
interface DeployFlags {
  bundle: string | undefined;
  role: string | undefined;
  region: string | undefined;
  dryRun: boolean;
}

function deployFlags(args: string[]): ParsedFlags<DeployFlags> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      bundle: { type: 'string' },
      role: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  return { help: false, entry: positionals[0], options: { bundle: values.bundle, role: values.role, region: values.region, dryRun: values['dry-run'] } };
}

/**
 * `polyfaas deploy aws`: create or update the bundled functions on Lambda.
 *
 * @example
 * ```sh
 * polyfaas deploy aws --role arn:aws:iam::123456789012:role/fashion --dry-run
 * ```
 */
async function deploy(entry: string | undefined, options: DeployFlags, log: (line: string) => void): Promise<void> {
  const bundleDir = await bundleFolder(options.bundle, entry);
  let plan: LambdaAppPlan;
  try {
    plan = JSON.parse(await readFile(join(bundleDir, PLAN_FILE), 'utf8')) as LambdaAppPlan;
  } catch (err) {
    throw new PolyfaasError('NotFound', `No ${PLAN_FILE} in ${shortPath(bundleDir)}: run polyfaas bundle aws first`, { cause: err });
  }
  if (options.region) plan = { ...plan, region: options.region };
  const { deployAws } = await import('./deploy.js');
  const deployed = await deployAws({ bundleDir, plan, dryRun: options.dryRun, ...(options.role ? { role: options.role } : {}), log });
  for (const d of deployed) if (d.action !== 'planned') log(`${d.functionName}: ${d.action}${d.version ? ` v${d.version}` : ''}${d.url ? ` ${d.url}` : ''}`);
  const notes = accessNotes(plan);
  if (notes.length > 0) log(`\n${notes.join('\n')}`);
}

/** `polyfaas deploy aws`: deploys what the AWS bundler wrote (deploy.js imports both clients, so --dry-run needs them too). */
export const awsDeployer: CloudDeployer<DeployFlags> = { usage: DEPLOY_USAGE, flags: deployFlags, packages: DEPLOY_PACKAGES, deploy };

/**
 * The AWS bundler: one folder and zip per Lambda function, serverless.yml,
 * template.yaml and the plan `polyfaas deploy aws` reads.
 *
 * @example
 * ```sh
 * polyfaas bundle aws examples/fashion-mnist/aws.ts --bucket data=s3://my-bucket/fashion
 * ```
 */
export const awsBundler: CloudBundler<AwsBundleOptions, AwsPlannedBundle, AwsBundle> = {
  cloud: 'aws',
  usage: BUNDLE_USAGE,
  flags: bundleFlags,
  packages: (options) => (options.externalAwsSdk ? [] : BUNDLE_PACKAGES),
  plan: async (entry, options) => (await import('./bundle-app.js')).planAwsBundle(entry, options),
  write: async (plan, outDir) => (await import('./bundle-app.js')).writeAwsBundle(plan, outDir),
  report: bundleReport,
  deploy: awsDeployer,
};
