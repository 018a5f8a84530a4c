import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWith } from '../../../bundling/cloud-bundler.js';
import type { BundleResult } from '../../../bundling/esbuild-bundle.js';
import { bundleFunction } from '../../../bundling/esbuild-bundle.js';
import { loadEntryApp } from '../../../bundling/entry/load-entry.js';
import { installedVersion } from '../../../bundling/entry/packages.js';
import type { AnyFunction, AppDefinition, Trigger } from '../../../src/index.js';
import { DEFAULT_TIMEOUT_MS, PolyfaasError } from '../../../src/index.js';
import { bucketEnvName, generateWarmupToken, WARMUP_HEADER, WARMUP_TOKEN_ENV } from '../../../src/adapter.js';
import { apiKeyEnvNames, secretName } from '../../../bundling/access.js';
import { everyMinutesCron } from './warmup.js';

/**
 * Left out of the bundle and installed by Cloud Build from `package.json`:
 * the Functions Framework must be the very copy its `functions-framework`
 * binary loads (its function registry is a module singleton), `sharp` is a
 * native addon, and the Storage client is installed rather than inlined.
 */
export const GCP_EXTERNALS = ['@google-cloud/functions-framework', '@google-cloud/storage', 'sharp'] as const;

/** What `polyfaas bundle gcp` takes besides the entry. */
export interface GcpFlagOptions {
  /** The app's source folder. Default `.polyfaas/gcp/<app-name>`. */
  outDir?: string;
  region?: string;
  /** `gcloud --runtime`. Default `nodejs20`. */
  runtime?: string;
  /** `gs://bucket/prefix/` per logical bucket, set as `POLYFAAS_BUCKET_<NAME>` and used for storage triggers. */
  buckets?: Record<string, string>;
  /** Named export holding the app. Default `app`, then `default`. */
  exportName?: string;
  minify?: boolean;
  /**
   * Print, per HTTP function, a Cloud Scheduler job that sends it a warm-up ping
   * (the `x-polyfaas-warmup` header carrying the bundle's warm-up token) every
   * this many minutes: `init` runs, the handler does not.
   */
  warmupMinutes?: number;
  /**
   * The token warm-up pings carry, set on HTTP functions as `POLYFAAS_WARMUP_TOKEN`
   * when `warmupMinutes` is given. Default: a fresh random token per bundle.
   */
  warmupToken?: string;
  /** Service account the warm-up jobs sign their OIDC token as. Default: a placeholder to fill in. */
  warmupServiceAccount?: string;
  /** `--min-instances` for HTTP functions: instances kept initialised (billed while idle). */
  minInstances?: number;
  /**
   * Deploy HTTP functions with `--allow-unauthenticated`. Default false: only
   * callers with an identity token for a principal holding `run.invoker`.
   */
  public?: boolean;
}

/** Options for {@link bundleGcpApp}. */
export interface GcpBundleOptions extends GcpFlagOptions {
  /** The entry file that imports the app and calls `registerGcp`. */
  entry: string;
}

/** The app as loaded from its entry, before anything is written. */
export interface GcpPlannedBundle {
  appName: string;
  app: AppDefinition;
  entry: string;
  options: GcpFlagOptions;
}

/** One function's deployment. */
export interface GcpDeployPlan {
  function: string;
  trigger: string;
  memoryMb: number;
  timeoutSeconds: number;
  command: string;
  /** Extra commands (Cloud Scheduler job, Pub/Sub topic) the function needs. */
  setup: string[];
  /** Commands to run after the deploy: the warm-up Cloud Scheduler job (`--warmup`), else empty. */
  warmup: string[];
  /** For HTTP functions: how to call the deployed function (curl with the credentials it needs). */
  call?: string[];
}

/** Placeholder for the warm-up jobs' service account when none is given. */
export const WARMUP_SA_PLACEHOLDER = '<scheduler-sa>@<project>.iam.gserviceaccount.com';

/** What {@link bundleGcpApp} wrote. */
export interface GcpBundle {
  sourceDir: string;
  bundle: BundleResult;
  packageJson: Record<string, unknown>;
  plans: GcpDeployPlan[];
  /** Secret Manager secrets the functions read (API keys), to create before deploying. */
  secrets: string[];
  /** The options it was bundled with (the report prints access and warm-up from them). */
  options: GcpFlagOptions;
}

/** Memory sizes Cloud Functions accepts, in MiB. */
const MEMORY_STEPS = [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const DEFAULT_MEMORY_MB = 512;
/** 2nd gen limit for event-driven functions (HTTP may run 3600 s). */
const MAX_EVENT_TIMEOUT_S = 540;

/**
 * Bundle an app for Cloud Functions (2nd gen): one source folder with the
 * bundled code (`index.mjs`), the tfjs WASM files if the app uses a model, and
 * a `package.json` naming `main` and the dependencies Cloud Build installs (the
 * Functions Framework, and the Storage client and sharp when the code uses
 * them), plus the exact `gcloud functions deploy` command of each function.
 * A failure leaves no new folder behind.
 *
 * @example
 * ```ts
 * const out = await bundleGcpApp({ entry: 'src/gcp.ts', buckets: { data: 'gs://my-bucket/fashion/' } });
 * for (const plan of out.plans) console.log(plan.command);
 * ```
 */
export function bundleGcpApp(options: GcpBundleOptions): Promise<GcpBundle> {
  return bundleWith({ cloud: 'gcp', plan: planGcpBundle, write: writeGcpBundle }, options.entry, options);
}

/** Load the entry's app (the `plan` step of the GCP bundler). */
export async function planGcpBundle(entry: string, options: GcpFlagOptions): Promise<GcpPlannedBundle> {
  const app = await loadEntryApp(entry, 'polyfaas bundle gcp', options.exportName);
  return { appName: app.name, app, entry, options };
}

/** Write the source folder and plan each function's `gcloud` command (the `write` step). */
export async function writeGcpBundle(planned: GcpPlannedBundle, sourceDir: string): Promise<GcpBundle> {
  const { app, entry, options } = planned;
  await rm(sourceDir, { recursive: true, force: true });
  const bundle = await bundleFunction({
    entry,
    outDir: sourceDir,
    outFile: 'index.mjs',
    external: [...GCP_EXTERNALS],
    ...(options.minify !== undefined ? { minify: options.minify } : {}),
  });
  const packageJson = {
    name: `${app.name}-gcp`,
    version: '1.0.0',
    private: true,
    type: 'module',
    main: 'index.mjs',
    engines: { node: '>=20' },
    // The framework always (its binary serves the functions); the others only if the bundled code imports them.
    dependencies: Object.fromEntries(GCP_EXTERNALS.filter((name) => name === '@google-cloud/functions-framework' || bundle.externalPackages.includes(name)).map((name) => [name, installedVersion(name)])),
  };
  await writeFile(join(sourceDir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  // One token per bundle: every function's environment and every Scheduler job agree on it.
  const warmupToken = options.warmupMinutes ? (options.warmupToken ?? generateWarmupToken()) : undefined;
  const plans = app.functions.map((fn) => deployPlan(app, fn, sourceDir, { ...options, ...(warmupToken ? { warmupToken } : {}) }));
  return { sourceDir, bundle, packageJson, plans, secrets: apiKeyEnvNames(app).map((name) => secretName(app, name)), options };
}

/** The `gcloud` command that deploys one function from the source folder. */
export function deployPlan(app: AppDefinition, fn: AnyFunction, sourceDir: string, options: Pick<GcpBundleOptions, 'region' | 'runtime' | 'buckets' | 'warmupMinutes' | 'warmupToken' | 'warmupServiceAccount' | 'minInstances' | 'public'>,
): GcpDeployPlan {
  const trigger = fn.trigger as Trigger;
  const region = options.region ?? 'us-central1';
  const buckets = { ...stringBindings(app), ...(options.buckets ?? {}) };
  const memoryMb = MEMORY_STEPS.find((m) => m >= (fn.memoryMb ?? DEFAULT_MEMORY_MB)) ?? 32768;
  const wanted = Math.ceil((fn.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
  const timeoutSeconds = trigger.type === 'http' ? Math.min(wanted, 3600) : Math.min(wanted, MAX_EVENT_TIMEOUT_S);
  const env = ['NODE_ENV=production', ...Object.entries(buckets).filter(([, url]) => url.startsWith('gs://')).map(([name, url]) => `${bucketEnvName(name)}=${url}`)];
  const warmupToken = trigger.type === 'http' && options.warmupMinutes ? (options.warmupToken ?? generateWarmupToken()) : undefined;
  // Without the token in its environment the function treats the pings as ordinary requests.
  if (warmupToken) env.push(`${WARMUP_TOKEN_ENV}=${warmupToken}`);
  const setup: string[] = [];
  const warmup: string[] = [];
  const call: string[] = [];
  // API keys come from Secret Manager at run time, never from the bundle or the command line.
  const secrets = trigger.type === 'http' ? apiKeyEnvNames(app).map((name) => `${name}=${secretName(app, name)}:latest`) : [];
  const flags = [
    `gcloud functions deploy ${fn.name}`,
    '--gen2',
    `--runtime=${options.runtime ?? 'nodejs20'}`,
    `--region=${region}`,
    `--source=${shellQuote(sourceDir)}`,
    `--entry-point=${fn.name}`,
    `--memory=${memoryMb < 1024 ? `${memoryMb}Mi` : `${memoryMb / 1024}Gi`}`,
    `--timeout=${timeoutSeconds}s`,
    `--set-env-vars=${shellQuote(env.join(','))}`,
  ];
  let description: string;
  switch (trigger.type) {
    case 'http':
      flags.push('--trigger-http', options.public ? '--allow-unauthenticated' : '--no-allow-unauthenticated');
      if (secrets.length > 0) flags.push(`--set-secrets=${shellQuote(secrets.join(','))}`);
      call.push(...callCommands(app, fn.name, trigger, region, Boolean(options.public)));
      if (options.minInstances) flags.push(`--min-instances=${options.minInstances}`);
      description = `HTTP ${trigger.method} ${trigger.path}`;
      if (options.warmupMinutes && warmupToken) warmup.push(...warmupJob(fn.name, trigger, region, options.warmupMinutes, warmupToken, options.warmupServiceAccount));
      break;
    case 'storage': {
      const url = buckets[trigger.bucket];
      if (!url?.startsWith('gs://')) {
        throw new PolyfaasError('InvalidArgument', `${fn.name}: bind bucket "${trigger.bucket}" to gs://<bucket>/<prefix>/ (--bucket ${trigger.bucket}=gs://...)`);
      }
      const bucket = new URL(url).hostname;
      const events = trigger.events ?? ['created'];
      if (events.length > 1) {
        // One Eventarc trigger per function: a second event type needs a second deployment of the same code.
        throw new PolyfaasError('Unimplemented', `${fn.name}: Cloud Functions takes one storage event type per function (got ${events.join(', ')})`);
      }
      flags.push(`--trigger-event-filters=type=google.cloud.storage.object.v1.${events[0] === 'deleted' ? 'deleted' : 'finalized'}`, `--trigger-event-filters=bucket=${bucket}`);
      if ((fn.retries ?? 2) > 0) flags.push('--retry');
      description = `GCS ${events[0]} in gs://${bucket}`;
      break;
    }
    case 'queue':
      flags.push(`--trigger-topic=${trigger.queue}`);
      if ((fn.retries ?? 2) > 0) flags.push('--retry');
      description = `Pub/Sub topic ${trigger.queue}`;
      break;
    case 'schedule': {
      // Cloud Scheduler cannot call a CloudEvent function directly: it publishes to a topic that triggers it.
      const topic = `polyfaas-schedule-${fn.name}`;
      setup.push(`gcloud pubsub topics create ${topic}`);
      setup.push(
        `gcloud scheduler jobs create pubsub ${fn.name} --location=${region} --schedule=${shellQuote(trigger.cron)} --time-zone=Etc/UTC --topic=${topic} --message-body='{"polyfaas":"schedule"}'`,
      );
      flags.push(`--trigger-topic=${topic}`);
      description = `schedule ${trigger.cron} (UTC) via Cloud Scheduler → Pub/Sub ${topic}`;
      break;
    }
  }
  return { function: fn.name, trigger: description, memoryMb, timeoutSeconds, command: flags.join(' \\\n    '), setup, warmup, ...(call.length ? { call } : {}) };
}

/**
 * How to call a deployed HTTP function: a private one needs a Google identity
 * token; it goes in `X-Serverless-Authorization` when the app's own `auth` needs
 * `Authorization` (Cloud Run checks that header instead and leaves the other to the app).
 */
function callCommands(app: AppDefinition, name: string, trigger: Extract<Trigger, { type: 'http' }>, region: string, isPublic: boolean): string[] {
  const url = `URL=$(gcloud functions describe ${name} --gen2 --region=${region} --format='value(serviceConfig.uri)')`;
  const keyed = apiKeyEnvNames(app).length > 0;
  const appKey = keyed ? ` -H "x-api-key: $POLYFAAS_API_KEY"` : '';
  const method = trigger.method === '*' || trigger.method === 'GET' ? '' : ` -X ${trigger.method}`;
  const identity = isPublic ? '' : ` -H "${keyed ? 'X-Serverless-Authorization' : 'Authorization'}: Bearer $(gcloud auth print-identity-token)"`;
  return [url, `curl${method}${identity}${appKey} "$URL${trigger.path}"`];
}

/**
 * The Cloud Scheduler job that keeps an HTTP function warm: it calls the
 * function's URL (looked up after the deploy) with the route's own method and
 * the `x-polyfaas-warmup` header set to the function's warm-up token, which the
 * runtime answers with `{ warm: true }` after running `init`, before the body
 * limit or the handler (a ping without the token is an ordinary request). A route with
 * `:params` gets `warmup` as each value (the bare URL only reaches parameterless routes).
 */
function warmupJob(name: string, trigger: Extract<Trigger, { type: 'http' }>, region: string, minutes: number, token: string, serviceAccount = WARMUP_SA_PLACEHOLDER): string[] {
  const path = trigger.path.includes(':') ? trigger.path.replace(/:[A-Za-z0-9_]+/g, 'warmup') : '';
  const method = (trigger.method === '*' ? 'POST' : trigger.method).toLowerCase();
  const flags = [
    `gcloud scheduler jobs create http polyfaas-warmup-${name}`,
    `--location=${region}`,
    `--schedule=${shellQuote(everyMinutesCron(minutes))}`,
    '--time-zone=Etc/UTC',
    `--uri="$URL"${path ? shellQuote(path) : ''}`,
    `--http-method=${method}`,
    `--headers=${WARMUP_HEADER}=${token}`,
    `--oidc-service-account-email=${shellQuote(serviceAccount)}`,
    '--oidc-token-audience="$URL"',
  ];
  return [`URL=$(gcloud functions describe ${name} --gen2 --region=${region} --format='value(serviceConfig.uri)')`, flags.join(' \\\n    ')];
}

function stringBindings(app: AppDefinition): Record<string, string> {
  return Object.fromEntries(Object.entries(app.buckets).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

