import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from '../../../src/index.js';
import { PolyfaasError } from '../../../src/index.js';
import { bundleFunction } from '../../../cli/bundle/esbuild-bundle.js';
import { zipDirectory } from '../../../cli/bundle/zip.js';
import type { LambdaAppPlan } from './plan.js';
import { planApp } from './plan.js';
import type { WarmOptions } from './templates.js';
import { samTemplate, serverlessYml } from './templates.js';
import { toYaml } from './yaml.js';

/** The plan file `bundle` writes and `deploy` reads. */
export const PLAN_FILE = 'polyfaas-aws.json';

/** Options for {@link bundleAws}. */
export interface BundleAwsOptions extends WarmOptions {
  entry: string;
  outDir: string;
  region?: string;
  /** Logical bucket → `s3://` URL for this deployment (else the app's own bindings). */
  buckets?: Record<string, string>;
  /**
   * Leave `@aws-sdk/*` out and use the SDK the Node.js 20 runtime ships. Default
   * false: the SDK is bundled so the code runs the exact version it was tested with.
   */
  externalAwsSdk?: boolean;
  minify?: boolean;
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
  plan: LambdaAppPlan;
  artifacts: AwsArtifact[];
  serverlessYml: string;
  samTemplate: string;
}

/** The version of a dependency as installed here, for the artifact's package.json. */
async function installedVersion(pkg: string): Promise<string> {
  const json = JSON.parse(await readFile(resolve('node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
  return json.version;
}

/** Load the app behind an entry file: its `app` export (or default). */
export async function loadEntryApp(entry: string): Promise<AppDefinition> {
  const mod = (await import(pathToFileURL(resolve(entry)).href)) as { app?: AppDefinition; default?: AppDefinition };
  const app = mod.app ?? mod.default;
  if (app?.kind !== 'polyfaas.app') throw new PolyfaasError('InvalidArgument', `${entry} must export the app as "app" (or default) beside the handler`);
  return app;
}

/**
 * Bundle an app for Lambda: esbuild runs once (every function ships the same
 * code; `POLYFAAS_FUNCTION` picks the function), then each function gets its
 * folder and zip with the tfjs WASM files beside `index.mjs`. `sharp` (native)
 * stays external: each folder's package.json lists it, to be installed for
 * linux-x64 before upload (`npm install --os=linux --cpu=x64`) or provided by a layer.
 * Writes `serverless.yml`, `template.yaml` and the deploy plan.
 */
export async function bundleAws(options: BundleAwsOptions): Promise<AwsBundle> {
  const app = await loadEntryApp(options.entry);
  const plan = planApp(app, { region: options.region ?? process.env.AWS_REGION ?? 'us-east-1', ...(options.buckets ? { buckets: options.buckets } : {}) });
  const outDir = resolve(options.outDir);
  const staging = join(outDir, '.build');
  await rm(staging, { recursive: true, force: true });
  const built = await bundleFunction({
    entry: options.entry,
    outDir: staging,
    external: ['sharp', ...(options.externalAwsSdk ? ['@aws-sdk/*'] : [])],
    minify: options.minify ?? true,
  });
  const pkg = { name: `${plan.app}-lambda`, private: true, type: 'module', dependencies: { sharp: await installedVersion('sharp') } };
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
  return { plan, artifacts, serverlessYml: sls, samTemplate: sam };
}
