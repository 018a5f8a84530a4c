import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDefinition } from '../../../src/index.js';
import { bundleWith } from '../../../bundling/cloud-bundler.js';
import { bundleFunction } from '../../../bundling/esbuild-bundle.js';
import { zipDirectory } from '../../../bundling/zip.js';
import { loadEntryApp as loadApp } from '../../../bundling/entry/load-entry.js';
import { installedVersion } from '../../../bundling/entry/packages.js';
import { PLAN_FILE } from './plan-file.js';
import type { LambdaAppPlan } from './plan.js';
import { planApp } from './plan.js';
import type { WarmOptions } from './templates.js';
import { samTemplate, serverlessYml } from './templates.js';
import { toYaml } from './yaml.js';

export { PLAN_FILE };

/** What `polyfaas bundle aws` takes besides the entry. */
export interface AwsBundleOptions extends WarmOptions {
  /** Default `.polyfaas/aws/<app>`. */
  outDir?: string;
  region?: string;
  /** Logical bucket → `s3://` URL for this deployment (else the app's own bindings). */
  buckets?: Record<string, string>;
  /**
   * Leave `@aws-sdk/*` out and use the SDK the Node.js 20 runtime ships. Default
   * false: the SDK is bundled so the code runs the exact version it was tested with.
   */
  externalAwsSdk?: boolean;
  minify?: boolean;
  /** Let anyone call the HTTP functions (Function URL `NONE` + public permission, HTTP API without IAM). Default false. */
  public?: boolean;
}

/** Options for {@link bundleAws}. */
export interface BundleAwsOptions extends AwsBundleOptions {
  entry: string;
}

/** The app's deployment as planned from its entry, before anything is written. */
export interface AwsPlannedBundle {
  appName: string;
  entry: string;
  plan: LambdaAppPlan;
  options: AwsBundleOptions;
}

/** One function's artifact. */
export interface AwsArtifact {
  name: string;
  dir: string;
  zip: string;
  zipBytes: number;
  jsBytes: number;
  wasmBytes: number;
}

/** What {@link bundleAws} produced. */
export interface AwsBundle {
  /** The folder written: artifacts, templates and the plan. */
  outDir: string;
  plan: LambdaAppPlan;
  artifacts: AwsArtifact[];
  serverlessYml: string;
  samTemplate: string;
  /** The code uses sharp: install its linux-x64 build in each function folder (or a layer) before deploying. */
  needsSharp: boolean;
  /** The warm-up schedule and provisioned concurrency the templates carry. */
  warm: WarmOptions;
}

/** Load the app behind an entry file (TypeScript or JavaScript): its `app` export (or default). */
export function loadEntryApp(entry: string): Promise<AppDefinition> {
  return loadApp(entry, 'polyfaas bundle aws');
}

/**
 * Bundle an app for Lambda: esbuild runs once (every function ships the same
 * code; `POLYFAAS_FUNCTION` picks the function), then each function gets its
 * folder and zip, with the tfjs WASM files beside `index.mjs` when the app uses
 * a model. `sharp` (native) stays external: when the app's code uses it, each
 * folder's package.json lists it, to be installed for linux-x64 before upload
 * (`npm install --os=linux --cpu=x64`) or provided by a layer.
 * Writes `serverless.yml`, `template.yaml` and the deploy plan. A failure
 * leaves no new folder behind.
 */
export function bundleAws(options: BundleAwsOptions): Promise<AwsBundle> {
  return bundleWith({ cloud: 'aws', plan: planAwsBundle, write: writeAwsBundle }, options.entry, options);
}

/** Load the entry's app and plan its Lambda functions (the `plan` step of the AWS bundler). */
export async function planAwsBundle(entry: string, options: AwsBundleOptions): Promise<AwsPlannedBundle> {
  const app = await loadEntryApp(entry);
  const plan = planApp(app, {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.buckets ? { buckets: options.buckets } : {}),
    ...(options.public ? { public: true } : {}),
  });
  return { appName: app.name, entry, plan, options };
}

/** Build the artifacts and write them with the templates and the plan into `outDir` (the `write` step). */
export async function writeAwsBundle(planned: AwsPlannedBundle, outDir: string): Promise<AwsBundle> {
  const { entry, options, plan } = planned;
  const staging = join(outDir, '.build');
  await rm(staging, { recursive: true, force: true });
  const built = await bundleFunction({
    entry,
    outDir: staging,
    external: ['sharp', ...(options.externalAwsSdk ? ['@aws-sdk/*'] : [])],
    minify: options.minify ?? true,
  });
  const native = built.externalPackages.filter((name) => name === 'sharp');
  const pkg = { name: `${plan.app}-lambda`, private: true, type: 'module', dependencies: Object.fromEntries(native.map((name) => [name, installedVersion(name)])) };
  const artifacts: AwsArtifact[] = [];
  for (const fn of plan.functions) {
    const dir = join(outDir, fn.artifact);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(staging, dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    const zip = join(outDir, `${fn.artifact}.zip`);
    const zipBytes = await zipDirectory(dir, zip);
    artifacts.push({ name: fn.name, dir, zip, zipBytes, jsBytes: built.jsBytes, wasmBytes: built.wasmBytes });
  }
  await rm(staging, { recursive: true, force: true });
  const warm: WarmOptions = {
    ...(options.warmupMinutes ? { warmupMinutes: options.warmupMinutes } : {}),
    ...(options.provisionedConcurrency ? { provisionedConcurrency: options.provisionedConcurrency } : {}),
  };
  const sls = toYaml(serverlessYml(plan, warm));
  const sam = toYaml(samTemplate(plan, warm));
  await writeFile(join(outDir, 'serverless.yml'), sls);
  await writeFile(join(outDir, 'template.yaml'), sam);
  await writeFile(join(outDir, PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  return { outDir, plan, artifacts, serverlessYml: sls, samTemplate: sam, needsSharp: native.length > 0, warm };
}
