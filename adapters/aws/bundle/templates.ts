import type { LambdaAppPlan, LambdaFunctionPlan } from './plan.js';
import { apiGatewayPath, eventBridgeCron } from './plan.js';
import { samS3Notifier, samS3TriggerResources } from './sam-s3-trigger.js';
import { eventBridgeRate } from './warmup.js';
import type { YamlValue } from './yaml.js';

/** Cold-start options shared by both templates. */
export interface WarmOptions {
  /**
   * Send `{ "polyfaas": "warmup" }` to every {@link isWarmed} function on this
   * EventBridge schedule (minutes). The adapter runs `init` if needed and answers
   * `{ warm: true }` without calling the handler. Keeps one instance warm.
   */
  warmupMinutes?: number;
  /** Provisioned concurrency for HTTP functions: that many instances initialised ahead of traffic (billed while configured). */
  provisionedConcurrency?: number;
}

/**
 * Functions the warm-up schedule pings: every HTTP function (callers wait for a
 * cold start, and even without `init` it loads the multi-MB bundle and the tfjs
 * WASM files) and every other function that defines `init` (model loading).
 */
export function isWarmed(fn: LambdaFunctionPlan): boolean {
  return fn.trigger.type === 'http' || fn.hasInit === true;
}

/** The body of an EventBridge warm-up ping (`WARMUP_EVENT`), as the rule's constant input. */
const WARMUP_INPUT = { polyfaas: 'warmup' } as const;

const sqsArn = (queue: string): YamlValue => ({ 'Fn::Join': [':', ['arn:aws:sqs', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, queue]] });
const snsIsQueue = (fn: LambdaFunctionPlan) => fn.trigger.type === 'queue';

/** True when the cloud's IAM is the gate of HTTP functions (the default). */
const iamGated = (plan: LambdaAppPlan) => (plan.access ?? 'platform') === 'platform';

/** A function's environment plus its API key variables, as Secrets Manager references resolved at deploy time. */
function environmentOf(plan: LambdaAppPlan, fn: LambdaFunctionPlan, reference: (secret: string) => string): Record<string, string> {
  const secrets = fn.trigger.type === 'http' ? Object.entries(plan.secrets ?? {}) : [];
  return { ...fn.environment, ...Object.fromEntries(secrets.map(([name, secret]) => [name, reference(secret)])) };
}

function serverlessEvents(plan: LambdaAppPlan, fn: LambdaFunctionPlan): YamlValue[] {
  const t = fn.trigger;
  switch (t.type) {
    case 'http':
      return [{ httpApi: { method: t.method === '*' ? '*' : t.method, path: apiGatewayPath(t.path), ...(iamGated(plan) ? { authorizer: { type: 'aws_iam' } } : {}) } }];
    case 'storage': {
      const s3 = fn.s3 as NonNullable<LambdaFunctionPlan['s3']>;
      const rules: YamlValue[] = [...(s3.prefix ? [{ prefix: s3.prefix }] : []), ...(s3.suffix ? [{ suffix: s3.suffix }] : [])];
      return s3.events.map((event) => ({ s3: { bucket: s3.bucket, event, existing: true, ...(rules.length ? { rules } : {}) } }));
    }
    case 'queue':
      return [{ sqs: { arn: sqsArn(t.queue), functionResponseType: 'ReportBatchItemFailures' } }];
    case 'schedule':
      return [{ schedule: { name: `${fn.name}`, rate: [eventBridgeCron(t.cron)] } }];
  }
}

/**
 * A Serverless Framework v3 `serverless.yml`: one function per plan entry,
 * each deployed from its own zip (`package.artifact`), with its trigger,
 * memory, timeout and environment. Works with `serverless deploy` and with
 * `serverless offline` (which extracts each artifact and runs it, as Lambda does;
 * list `serverless-offline` under `plugins`, and on Node.js 20.19+ start
 * serverless@3 with `node --no-experimental-require-module`, or its plugin
 * loader fails on the ESM plugin).
 * The handler is relative to the zip's root, where `index.mjs` is; with
 * `offline: true` no artifacts are referenced and handlers point into the
 * unzipped folders instead.
 */
export function serverlessYml(plan: LambdaAppPlan, options: { offline?: boolean } & WarmOptions = {}): YamlValue {
  const functions: Record<string, YamlValue> = {};
  for (const fn of plan.functions) {
    const warmup: YamlValue[] =
      options.warmupMinutes && isWarmed(fn)
        ? [{ schedule: { rate: [eventBridgeRate(options.warmupMinutes)], input: { ...WARMUP_INPUT }, description: `polyfaas warm-up ping for ${fn.name}` } }]
        : [];
    functions[fn.name] = {
      handler: options.offline ? `${fn.artifact}/${fn.handler}` : fn.handler,
      ...(options.offline ? {} : { package: { artifact: `${fn.artifact}.zip` } }),
      memorySize: fn.memoryMb,
      timeout: fn.timeoutSeconds,
      ...(options.provisionedConcurrency && fn.trigger.type === 'http' ? { provisionedConcurrency: options.provisionedConcurrency } : {}),
      environment: environmentOf(plan, fn, (secret) => `\${ssm:/aws/reference/secretsmanager/${secret}}`),
      events: [...serverlessEvents(plan, fn), ...warmup],
    };
  }
  const iam: YamlValue = {
    role: {
      statements: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], Resource: bucketArns(plan) },
        ...(plan.functions.some(snsIsQueue)
          ? [{ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: '*' }]
          : []),
      ],
    },
  };
  return {
    service: plan.app,
    frameworkVersion: '3',
    provider: { name: 'aws', runtime: plan.runtime, region: plan.region, architecture: 'x86_64', iam },
    package: { individually: true },
    functions,
  };
}

function bucketArns(plan: LambdaAppPlan): YamlValue[] {
  const names = new Set<string>();
  for (const fn of plan.functions) {
    for (const [k, v] of Object.entries(fn.environment)) {
      if (k.startsWith('POLYFAAS_BUCKET_') && v.startsWith('s3://')) names.add(new URL(v).hostname);
    }
  }
  return [...names].flatMap((n) => [`arn:aws:s3:::${n}`, `arn:aws:s3:::${n}/*`]);
}

const logicalId = (name: string) => `${name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}Function`;

/**
 * An AWS SAM `template.yaml` for the same functions. HTTP functions get an
 * HTTP API route and a Function URL. SAM's `S3` event attaches only to buckets
 * the template creates, so a storage-triggered function gets an invoke
 * permission and a `Custom::PolyfaasS3Notification` that adds its notification
 * to the existing bucket (as serverless.yml's `existing: true` does).
 */
export function samTemplate(plan: LambdaAppPlan, options: WarmOptions = {}): YamlValue {
  const resources: Record<string, YamlValue> = {};
  for (const fn of plan.functions) {
    const t = fn.trigger;
    const events: Record<string, YamlValue> = {};
    if (t.type === 'http') events.Api = { Type: 'HttpApi', Properties: { Path: apiGatewayPath(t.path), Method: t.method === '*' ? 'ANY' : t.method } };
    if (t.type === 'queue') events.Queue = { Type: 'SQS', Properties: { Queue: sqsArn(t.queue), FunctionResponseTypes: ['ReportBatchItemFailures'] } };
    if (t.type === 'schedule') events.Schedule = { Type: 'Schedule', Properties: { Schedule: eventBridgeCron(t.cron), Name: `${plan.app}-${fn.name}` } };
    if (options.warmupMinutes && isWarmed(fn)) {
      // An AWS::Events::Rule with a constant JSON input; the adapter answers it without running the handler.
      events.Warmup = {
        Type: 'Schedule',
        Properties: { Schedule: eventBridgeRate(options.warmupMinutes), Input: JSON.stringify(WARMUP_INPUT), Description: `polyfaas warm-up ping for ${fn.name}` },
      };
    }
    // Provisioned concurrency attaches to a version: SAM publishes one behind the alias `live` and points the events and the URL at it.
    const provisioned: Record<string, YamlValue> =
      options.provisionedConcurrency && t.type === 'http'
        ? { AutoPublishAlias: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: options.provisionedConcurrency } }
        : {};
    const id = logicalId(fn.name);
    resources[id] = {
      Type: 'AWS::Serverless::Function',
      Properties: {
        FunctionName: `${plan.app}-${fn.name}`,
        CodeUri: `${fn.artifact}.zip`,
        Handler: fn.handler,
        Runtime: fn.runtime,
        MemorySize: fn.memoryMb,
        Timeout: fn.timeoutSeconds,
        Environment: { Variables: environmentOf(plan, fn, (secret) => `{{resolve:secretsmanager:${secret}}}`) },
        ...provisioned,
        Policies: [{ Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'], Resource: bucketArns(plan) }] }],
        // AWS_IAM: only SigV4-signed calls by principals allowed lambda:InvokeFunctionUrl; NONE (SAM then adds the public permission) only for the app's own auth or --public.
        ...(t.type === 'http' ? { FunctionUrlConfig: { AuthType: iamGated(plan) ? 'AWS_IAM' : 'NONE' } } : {}),
        ...(Object.keys(events).length ? { Events: events } : {}),
      },
    };
    Object.assign(resources, samS3TriggerResources(plan, fn, id));
  }
  Object.assign(resources, samS3Notifier(plan));
  const http = plan.functions.some((fn) => fn.trigger.type === 'http');
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Description: `${plan.app} (polyfaas)`,
    // The implicit HTTP API's routes take IAM (SigV4) callers only, like the Function URLs.
    ...(http && iamGated(plan) ? { Globals: { HttpApi: { Auth: { EnableIamAuthorizer: true, DefaultAuthorizer: 'AWS_IAM' } } } } : {}),
    Resources: resources,
  };
}
