import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../../src/index.js';
import { formatBytes, shortPath } from '../../../cli/bundle/esbuild-bundle.js';
import { parseBucketFlags } from '../../../cli/bundle/bucket-flags.js';
import type { Io } from '../../../cli/registry.js';
import { bundleAws, PLAN_FILE } from './bundle-app.js';
import { deployAws } from './deploy.js';
import type { LambdaAppPlan } from './plan.js';
import { isWarmed } from './templates.js';
import { eventBridgeRate, parseCount, parseWarmupRate } from './warmup.js';

const BUNDLE_USAGE = `polyfaas bundle aws <entry-file> [options]

Bundles the app exported by <entry-file> (it exports "app" and the Lambda
"handler", e.g. examples/fashion-mnist/aws.ts) into one folder and zip per
function, writes serverless.yml (Serverless Framework v3), template.yaml (AWS
SAM) and ${PLAN_FILE} (read by polyfaas deploy aws).

The AWS SDK is bundled (the code runs the SDK version it was tested with);
--external-aws-sdk uses the one the nodejs20.x runtime provides instead.
sharp stays external: install it per folder for linux-x64 before uploading
(npm install --omit=dev --os=linux --cpu=x64) or provide it as a layer.

Options:
  --out <dir>              output folder (default .polyfaas/aws)
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
  --no-minify              readable output
  -h, --help               show this help

Both templates carry --warmup and --provisioned; polyfaas deploy aws does not
create schedules or provisioned concurrency.`;

const DEPLOY_USAGE = `polyfaas deploy aws [options]

Creates or updates each function of a bundle made by polyfaas bundle aws:
CreateFunction or UpdateFunctionCode + UpdateFunctionConfiguration, waits
until active, PublishVersion; a Function URL for HTTP functions; the S3
permission and bucket notification for storage functions.

Options:
  --bundle <dir>   bundle folder (default .polyfaas/aws)
  --role <arn>     execution role for new functions (required unless --dry-run)
  --region <r>     override the region in the plan
  --dry-run        print the plan, change nothing
  -h, --help       show this help`;

/**
 * `polyfaas bundle aws <entry>`: build the Lambda artifacts and deployment files.
 *
 * @example
 * ```sh
 * polyfaas bundle aws examples/fashion-mnist/aws.ts --bucket data=s3://my-bucket/fashion
 * ```
 */
export async function bundleCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: '.polyfaas/aws' },
      bucket: { type: 'string', multiple: true },
      region: { type: 'string' },
      'external-aws-sdk': { type: 'boolean', default: false },
      warmup: { type: 'string' },
      provisioned: { type: 'string' },
      'no-minify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(`${BUNDLE_USAGE}\n`);
    return 0;
  }
  // Checked before bundling, which takes a while.
  const warmupMinutes = values.warmup === undefined ? undefined : parseWarmupRate(values.warmup);
  const provisionedConcurrency = values.provisioned === undefined ? undefined : parseCount('--provisioned', values.provisioned);
  const entry = positionals[0];
  if (!entry) {
    io.err.write(`${BUNDLE_USAGE}\n`);
    return 2;
  }
  const result = await bundleAws({
    entry,
    outDir: values.out,
    buckets: parseBucketFlags(values.bucket, 's3'),
    externalAwsSdk: values['external-aws-sdk'],
    minify: !values['no-minify'],
    ...(values.region ? { region: values.region } : {}),
    ...(warmupMinutes ? { warmupMinutes } : {}),
    ...(provisionedConcurrency ? { provisionedConcurrency } : {}),
  });
  for (const a of result.artifacts) {
    io.out.write(`${a.name.padEnd(16)} ${shortPath(a.zip)}  zip ${formatBytes(a.zipBytes)}  (js ${formatBytes(a.jsBytes)}, wasm ${formatBytes(a.wasmBytes)})\n`);
  }
  if (warmupMinutes) {
    const warmed = result.plan.functions.filter(isWarmed).map((f) => f.name);
    io.out.write(`warm-up: ${eventBridgeRate(warmupMinutes)} → ${warmed.length ? warmed.join(', ') : '(no HTTP function and no init: nothing to warm)'}\n`);
  }
  if (provisionedConcurrency) {
    const http = result.plan.functions.filter((f) => f.trigger.type === 'http').map((f) => f.name);
    io.out.write(`provisioned concurrency ${provisionedConcurrency}: ${http.length ? http.join(', ') : '(no HTTP function)'}\n`);
  }
  io.out.write(`wrote ${shortPath(join(values.out, 'serverless.yml'))}, ${shortPath(join(values.out, 'template.yaml'))}, ${shortPath(join(values.out, PLAN_FILE))}\n`);
  return 0;
}

/**
 * `polyfaas deploy aws`: create or update the bundled functions on Lambda.
 *
 * @example
 * ```sh
 * polyfaas deploy aws --role arn:aws:iam::123456789012:role/fashion --dry-run
 * ```
 */
export async function deployCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      bundle: { type: 'string', default: '.polyfaas/aws' },
      role: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(`${DEPLOY_USAGE}\n`);
    return 0;
  }
  let plan: LambdaAppPlan;
  try {
    plan = JSON.parse(await readFile(join(values.bundle, PLAN_FILE), 'utf8')) as LambdaAppPlan;
  } catch (err) {
    throw new PolyfaasError('NotFound', `No ${PLAN_FILE} in ${values.bundle}: run polyfaas bundle aws first`, { cause: err });
  }
  if (values.region) plan = { ...plan, region: values.region };
  const deployed = await deployAws({
    bundleDir: values.bundle,
    plan,
    dryRun: values['dry-run'],
    ...(values.role ? { role: values.role } : {}),
    log: (line) => io.out.write(`${line}\n`),
  });
  for (const d of deployed) if (d.action !== 'planned') io.out.write(`${d.functionName}: ${d.action}${d.version ? ` v${d.version}` : ''}${d.url ? ` ${d.url}` : ''}\n`);
  return 0;
}
