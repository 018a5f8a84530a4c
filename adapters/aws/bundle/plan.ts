import type { AnyFunction, AppDefinition, BucketBinding, Trigger } from '../../../src/index.js';
import { DEFAULT_TIMEOUT_MS, PolyfaasError } from '../../../src/index.js';
import { bucketEnvName } from '../../../src/adapter.js';
import type { DeploymentAccess } from '../../../bundling/access.js';
import { apiKeyEnvNames, deploymentAccess, secretName } from '../../../bundling/access.js';
import { FUNCTION_ENV } from '../lambda/to-lambda.js';
import { parseS3Url } from '../s3/s3-bucket.js';

/** What one Lambda function needs, derived from the app: the input of templates and deploys. */
export interface LambdaFunctionPlan {
  name: string;
  /** Folder and zip name inside the bundle directory. */
  artifact: string;
  handler: string;
  runtime: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  trigger: Trigger;
  /** The function defines `init` (model loading and the like): its first event is expensive. */
  hasInit?: boolean;
  /** For storage triggers: the S3 bucket and the key filter including the binding's prefix. */
  s3?: { bucket: string; prefix: string; suffix?: string; events: string[] };
}

/** The whole deployment: written to `polyfaas-aws.json` by `bundle`, read by `deploy`. */
export interface LambdaAppPlan {
  app: string;
  region: string;
  runtime: string;
  functions: LambdaFunctionPlan[];
  /**
   * Who may call the HTTP functions: `platform` (Function URL and HTTP API
   * routes with `AWS_IAM`, no public permission), `app` (the app's own auth is
   * the gate: URL `NONE`), `public` (`--public`). Absent in older plans: `platform`.
   */
  access?: DeploymentAccess;
  /** API key variables → Secrets Manager secret names; the templates resolve them at deploy time, the bundle never holds them. */
  secrets?: Record<string, string>;
}

/** Lambda's hard limit on a function's run time. */
export const MAX_TIMEOUT_SECONDS = 900;
/** Memory when a function gives no `memoryMb`. */
export const DEFAULT_MEMORY_MB = 512;

/**
 * Plan the Lambda functions of an app: one per function, each running the
 * shared bundle with `POLYFAAS_FUNCTION` set, and every logical bucket bound
 * through `POLYFAAS_BUCKET_<NAME>` (from `buckets`, else the app's own binding).
 */
export function planApp(app: AppDefinition, options: { region: string; runtime?: string; buckets?: Record<string, string>; public?: boolean }): LambdaAppPlan {
  const runtime = options.runtime ?? 'nodejs20.x';
  const bindings: Record<string, string> = {};
  for (const [name, binding] of Object.entries(app.buckets)) {
    const url = options.buckets?.[name] ?? (typeof binding === 'string' ? binding : undefined);
    if (!url?.startsWith('s3://')) {
      throw new PolyfaasError('InvalidArgument', `Bucket "${name}" needs an s3:// binding for AWS (pass --bucket ${name}=s3://…), got ${describe(binding)}`);
    }
    bindings[name] = url;
  }
  const environment: Record<string, string> = {};
  for (const [name, url] of Object.entries(bindings)) environment[bucketEnvName(name)] = url;
  return {
    app: app.name,
    region: options.region,
    runtime,
    functions: app.functions.map((fn) => planFunction(fn, runtime, environment, bindings)),
    access: deploymentAccess(app, options.public),
    secrets: Object.fromEntries(apiKeyEnvNames(app).map((name) => [name, secretName(app, name)])),
  };
}

function planFunction(fn: AnyFunction, runtime: string, environment: Record<string, string>, bindings: Record<string, string>): LambdaFunctionPlan {
  const trigger = fn.trigger as Trigger;
  const plan: LambdaFunctionPlan = {
    name: fn.name,
    artifact: fn.name,
    handler: 'index.handler',
    runtime,
    memoryMb: fn.memoryMb ?? DEFAULT_MEMORY_MB,
    // Lambda's own timeout a little above the function's, so polyfaas answers DeadlineExceeded first.
    timeoutSeconds: Math.min(MAX_TIMEOUT_SECONDS, Math.ceil((fn.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000) + 1),
    environment: { ...environment, [FUNCTION_ENV]: fn.name },
    trigger,
    hasInit: fn.init !== undefined,
  };
  if (trigger.type === 'storage') {
    const { bucket, prefix } = parseS3Url(bindings[trigger.bucket] as string);
    const events = (trigger.events ?? ['created']).map((e) => (e === 'created' ? 's3:ObjectCreated:*' : 's3:ObjectRemoved:*'));
    plan.s3 = { bucket, prefix: prefix + (trigger.prefix ?? ''), ...(trigger.suffix ? { suffix: trigger.suffix } : {}), events };
  }
  return plan;
}

function describe(binding: BucketBinding | undefined): string {
  return typeof binding === 'string' ? binding : binding ? 'a bucket object' : 'nothing';
}

/** `/models/:name` → `/models/{name}` (API Gateway path syntax). */
export function apiGatewayPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * A 5-field cron (UTC) as an EventBridge `cron(...)` expression: six fields,
 * `?` in one of day-of-month / day-of-week, days of week 1-7 from Sunday.
 */
export function eventBridgeCron(cron: string): string {
  const [min, hour, dom, mon, dow] = cron.trim().split(/\s+/) as [string, string, string, string, string];
  const weekday = dow === '*' ? '?' : dow.replace(/\d+/g, (d) => String((Number(d) % 7) + 1));
  const day = weekday === '?' ? dom : '?';
  return `cron(${min} ${hour} ${day} ${mon} ${weekday} *)`;
}
