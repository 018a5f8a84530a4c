import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import type { LambdaFunctionConfiguration } from '@aws-sdk/client-s3';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { toPolyfaasError } from '../../../src/adapter.js';
import { classifyAwsError } from '../s3/s3-errors.js';
import type { DeploymentAccess } from '../../../bundling/access.js';
import type { LambdaAppPlan, LambdaFunctionPlan } from './plan.js';

/** Options for {@link deployAws}. */
export interface DeployAwsOptions {
  /** The folder `polyfaas bundle aws` wrote (plan, zips). */
  bundleDir: string;
  plan: LambdaAppPlan;
  /** Execution role ARN for new functions. */
  role?: string;
  dryRun?: boolean;
  lambda?: LambdaClient;
  s3?: S3Client;
  /** Longest wait for a function to become active / updated, seconds. Default 300. */
  maxWaitSeconds?: number;
  log?: (line: string) => void;
  /** Where API key variables come from at deploy time (see the plan's `secrets`). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What happened to one function. */
export interface DeployedFunction {
  name: string;
  functionName: string;
  action: 'created' | 'updated' | 'planned';
  version?: string;
  url?: string;
}

/** Lambda's name for a polyfaas function: `<app>-<function>`. */
export const lambdaName = (plan: LambdaAppPlan, fn: LambdaFunctionPlan) => `${plan.app}-${fn.name}`;

/** Every AWS call is wrapped so failures surface as coded PolyfaasErrors with the SDK error as cause. */
async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toPolyfaasError(err, `AWS ${what} failed`, classifyAwsError);
  }
}

async function existing<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (classifyAwsError(err) === 'NotFound') return undefined;
    throw toPolyfaasError(err, `AWS ${what} failed`, classifyAwsError);
  }
}

/**
 * Create or update each function of a bundle on Lambda: CreateFunction (new) or
 * UpdateFunctionCode + UpdateFunctionConfiguration (existing), waiting until the
 * function is active/updated, then PublishVersion. HTTP functions get a public
 * Function URL; storage functions get the S3 invoke permission and their bucket
 * notification (merged with the bucket's other notifications). `dryRun` only
 * describes the plan.
 */
export async function deployAws(options: DeployAwsOptions): Promise<DeployedFunction[]> {
  const { plan } = options;
  const log = options.log ?? (() => {});
  if (options.dryRun) return plan.functions.map((fn) => describePlan(plan, fn, log));
  if (!options.role) throw toPolyfaasError(new Error('--role is required to create functions'), 'deploy', () => 'InvalidArgument');
  const lambda = options.lambda ?? new LambdaClient({ region: plan.region });
  const s3 = options.s3 ?? new S3Client({ region: plan.region });
  const waiter = { client: lambda, maxWaitTime: options.maxWaitSeconds ?? 300, minDelay: 1, maxDelay: 5 };
  const results: DeployedFunction[] = [];
  const notifications = new Map<string, LambdaFunctionConfiguration[]>();
  for (const fn of plan.functions) {
    const FunctionName = lambdaName(plan, fn);
    const ZipFile = await readFile(join(options.bundleDir, `${fn.artifact}.zip`));
    const current = await existing(`GetFunction ${FunctionName}`, () => lambda.send(new GetFunctionCommand({ FunctionName })));
    const found = current !== undefined;
    const Variables = { ...fn.environment, ...apiKeyVariables(plan, fn, current?.Configuration?.Environment?.Variables, options.env ?? process.env) };
    const config = { FunctionName, Handler: fn.handler, Runtime: fn.runtime as never, MemorySize: fn.memoryMb, Timeout: fn.timeoutSeconds, Environment: { Variables } };
    if (!found) {
      log(`create ${FunctionName}`);
      await aws(`CreateFunction ${FunctionName}`, () => lambda.send(new CreateFunctionCommand({ ...config, Role: options.role, Code: { ZipFile }, Architectures: ['x86_64'] })));
      await aws(`waiting for ${FunctionName} to become active`, () => waitUntilFunctionActiveV2(waiter, { FunctionName }));
    } else {
      log(`update ${FunctionName}`);
      await aws(`UpdateFunctionCode ${FunctionName}`, () => lambda.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile })));
      await aws(`waiting for ${FunctionName} code update`, () => waitUntilFunctionUpdatedV2(waiter, { FunctionName }));
      await aws(`UpdateFunctionConfiguration ${FunctionName}`, () => lambda.send(new UpdateFunctionConfigurationCommand(config)));
      await aws(`waiting for ${FunctionName} configuration update`, () => waitUntilFunctionUpdatedV2(waiter, { FunctionName }));
    }
    const published = await aws(`PublishVersion ${FunctionName}`, () => lambda.send(new PublishVersionCommand({ FunctionName })));
    const result: DeployedFunction = { name: fn.name, functionName: FunctionName, action: found ? 'updated' : 'created', ...(published.Version ? { version: published.Version } : {}) };
    if (fn.trigger.type === 'http') result.url = await ensureFunctionUrl(lambda, FunctionName, plan.access ?? 'platform', log);
    if (fn.s3) {
      const s3Spec = fn.s3;
      await addPermission(lambda, FunctionName, `polyfaas-s3-${s3Spec.bucket}`, { Principal: 's3.amazonaws.com', Action: 'lambda:InvokeFunction', SourceArn: `arn:aws:s3:::${s3Spec.bucket}` });
      const rules = [{ Name: 'prefix' as const, Value: s3Spec.prefix }, ...(s3Spec.suffix ? [{ Name: 'suffix' as const, Value: s3Spec.suffix }] : [])].filter((r) => r.Value);
      const list = notifications.get(s3Spec.bucket) ?? [];
      list.push({
        Id: `polyfaas-${FunctionName}`,
        LambdaFunctionArn: published.FunctionArn?.replace(/:\d+$/, '') ?? FunctionName,
        Events: s3Spec.events as never,
        ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}),
      });
      notifications.set(s3Spec.bucket, list);
    }
    results.push(result);
  }
  for (const [Bucket, ours] of notifications) {
    log(`S3 notifications on ${Bucket}: ${ours.map((c) => c.Id).join(', ')}`);
    const current = await aws(`GetBucketNotificationConfiguration ${Bucket}`, () => s3.send(new GetBucketNotificationConfigurationCommand({ Bucket })));
    const ids = new Set(ours.map((c) => c.Id));
    const others = (current.LambdaFunctionConfigurations ?? []).filter((c) => !ids.has(c.Id));
    const { $metadata: _m, ...rest } = current;
    await aws(`PutBucketNotificationConfiguration ${Bucket}`, () =>
      s3.send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { ...rest, LambdaFunctionConfigurations: [...others, ...ours] } })),
    );
  }
  return results;
}

/**
 * The function's URL: `AWS_IAM` unless the app authenticates callers itself or
 * `--public` asked for `NONE`; only `NONE` gets the `Principal: '*'` permission.
 * An existing URL with another auth type is updated to the plan's.
 */
async function ensureFunctionUrl(lambda: LambdaClient, FunctionName: string, access: DeploymentAccess, log: (line: string) => void): Promise<string | undefined> {
  const AuthType = access === 'platform' ? 'AWS_IAM' : 'NONE';
  let url: string | undefined;
  try {
    const current = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName }));
    url = current.FunctionUrl;
    if (current.AuthType !== AuthType) {
      log(`function URL of ${FunctionName}: auth ${current.AuthType} → ${AuthType}`);
      await aws(`UpdateFunctionUrlConfig ${FunctionName}`, () => lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName, AuthType })));
    }
  } catch (err) {
    if (classifyAwsError(err) !== 'NotFound') throw toPolyfaasError(err, `AWS GetFunctionUrlConfig ${FunctionName} failed`, classifyAwsError);
    log(`function URL (auth ${AuthType}) for ${FunctionName}`);
    url = (await aws(`CreateFunctionUrlConfig ${FunctionName}`, () => lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName, AuthType })))).FunctionUrl;
  }
  if (AuthType === 'NONE') await addPermission(lambda, FunctionName, 'polyfaas-public-url', { Principal: '*', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' });
  else await removePermission(lambda, FunctionName, 'polyfaas-public-url');
  return url;
}

/**
 * The API key variables of an HTTP function, never from the bundle: the
 * deployer's environment when it sets them (e.g. filled from a secret store by
 * CI), else the value the function already has, so a redeploy does not wipe keys.
 */
function apiKeyVariables(plan: LambdaAppPlan, fn: LambdaFunctionPlan, current: Record<string, string> | undefined, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (fn.trigger.type !== 'http') return {};
  const out: Record<string, string> = {};
  for (const name of Object.keys(plan.secrets ?? {})) {
    const value = env[name] ?? current?.[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** RemovePermission, treating "no such statement" as success: a URL made private loses its public grant. */
async function removePermission(lambda: LambdaClient, FunctionName: string, StatementId: string): Promise<void> {
  try {
    await lambda.send(new RemovePermissionCommand({ FunctionName, StatementId }));
  } catch (err) {
    if (classifyAwsError(err) === 'NotFound') return;
    throw toPolyfaasError(err, `AWS RemovePermission ${FunctionName} failed`, classifyAwsError);
  }
}

/** AddPermission, treating "statement already exists" (a re-deploy) as success. */
async function addPermission(lambda: LambdaClient, FunctionName: string, StatementId: string, rest: Omit<ConstructorParameters<typeof AddPermissionCommand>[0], 'FunctionName' | 'StatementId'>): Promise<void> {
  try {
    await lambda.send(new AddPermissionCommand({ FunctionName, StatementId, ...rest }));
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceConflictException') return;
    throw toPolyfaasError(err, `AWS AddPermission ${FunctionName} failed`, classifyAwsError);
  }
}

function describePlan(plan: LambdaAppPlan, fn: LambdaFunctionPlan, log: (line: string) => void): DeployedFunction {
  const FunctionName = lambdaName(plan, fn);
  log(`${FunctionName}: create or update from ${fn.artifact}.zip (${fn.runtime}, ${fn.memoryMb} MB, ${fn.timeoutSeconds} s), then publish a version`);
  log(`  environment: ${Object.entries(fn.environment).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const t = fn.trigger;
  if (t.type === 'http') log(`  trigger: Function URL (auth ${(plan.access ?? 'platform') === 'platform' ? 'AWS_IAM' : 'NONE'}) for ${t.method} ${t.path}`);
  if (fn.s3) log(`  trigger: S3 ${fn.s3.events.join(', ')} on s3://${fn.s3.bucket}/${fn.s3.prefix}*${fn.s3.suffix ?? ''} (permission + bucket notification)`);
  if (t.type === 'queue') log(`  trigger: SQS queue ${t.queue} — add the event source mapping (see serverless.yml)`);
  if (t.type === 'schedule') log(`  trigger: schedule ${t.cron} — add the EventBridge rule (see serverless.yml)`);
  return { name: fn.name, functionName: FunctionName, action: 'planned' };
}
