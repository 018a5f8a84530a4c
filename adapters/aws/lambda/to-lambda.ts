import type { S3EventRecord, SQSBatchResponse } from 'aws-lambda';
import type { AnyFunction, AppDefinition, BucketBinding, FunctionInstance, Logger, Trigger } from '../../../src/index.js';
import {
  AppRuntime,
  bucketBindingsFromEnv,
  createLogger,
  createScheduleEvent,
  defineApp,
  isWarmupEvent,
  platformError,
  PolyfaasError,
} from '../../../src/index.js';
import type { S3BucketOptions } from '../s3/s3-bucket.js';
import { registerSchemes } from '../s3/s3-bucket.js';
import { directEvent, isInvokeEnvelope } from './direct-invoke.js';
import { httpEventKind, toHttpRequest, toLambdaResult } from './http-events.js';
import type { LambdaContextLike } from './lambda-context.js';
import { AttemptTracker, platformDeadline } from './lambda-context.js';
import { arnName, batchItemId, isSnsEvent, isSqsEvent, snsToMessage, sqsToMessage } from './message-events.js';
import { isS3Event, toStorageEvent } from './s3-events.js';
import { isEventBridgeEvent, isScheduledEvent, ruleNames } from './schedule-events.js';

/** The environment variable naming the function a Lambda runs. */
export const FUNCTION_ENV = 'POLYFAAS_FUNCTION';

/** A Lambda handler: `(event, context) => Promise<result>`. */
export type LambdaHandler = (event: unknown, context?: LambdaContextLike) => Promise<unknown>;

/** Options for {@link toLambda}. */
export interface ToLambdaOptions {
  /** Bucket bindings that win over the app's and `POLYFAAS_BUCKET_*` (tests). */
  buckets?: Record<string, BucketBinding>;
  /** Environment to read `POLYFAAS_FUNCTION` and `POLYFAAS_BUCKET_*` from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  /** How `s3://` buckets are opened (a shared client, an endpoint for S3-compatible servers). */
  s3?: S3BucketOptions;
}

/** What {@link toLambda} returns. */
export interface LambdaHandlers {
  /**
   * The routing entry: runs the function named by `POLYFAAS_FUNCTION`, or,
   * without it, the whole app (HTTP routed by path, events to every matching function).
   */
  handler: LambdaHandler;
  /** One handler per function, by name. */
  functions: Readonly<Record<string, LambdaHandler>>;
}

/**
 * Run an app on AWS Lambda. Each event shape is translated at the edge —
 * API Gateway REST (v1) and HTTP API (v2), Function URLs, ALB, S3, SQS
 * (partial batch failures), SNS, EventBridge schedules, direct invocation and
 * warm-up pings — and answered in the shape its trigger expects. Apps are
 * initialised once per container and reused across invocations.
 *
 * @example
 * ```ts
 * // aws.ts — the whole entry file
 * import { toLambda } from 'polyfaas/aws';
 * import { app } from './app.js';
 * export const { handler } = toLambda(app);   // POLYFAAS_FUNCTION=predict picks the function
 * ```
 */
export function toLambda(app: AppDefinition, options: ToLambdaOptions = {}): LambdaHandlers {
  registerSchemes(options.s3);
  const env = options.env ?? process.env;
  const bindings: Record<string, BucketBinding> = { ...app.buckets, ...bucketBindingsFromEnv(app, env), ...(options.buckets ?? {}) };
  const functions: Record<string, LambdaHandler> = {};
  for (const fn of app.functions) {
    const scope = new Scope(defineApp({ name: app.name, functions: [fn], buckets: app.buckets }), bindings, options.log, fn);
    functions[fn.name] = (event, context) => scope.handle(event, context);
  }
  const whole = new Scope(app, bindings, options.log);
  const handler: LambdaHandler = (event, context) => {
    const name = env[FUNCTION_ENV];
    if (!name) return whole.handle(event, context);
    const target = functions[name];
    if (!target) {
      return Promise.reject(new PolyfaasError('NotFound', `${FUNCTION_ENV}=${name}, but the app has no such function (has: ${Object.keys(functions).join(', ')})`));
    }
    return target(event, context);
  };
  return { handler, functions };
}

interface Invocation {
  requestId: string;
  platformDeadline: number | undefined;
  attempt: () => number;
}

/** The functions one handler serves, with their runtime created once per container. */
class Scope {
  private runtimePromise: Promise<AppRuntime> | undefined;
  private readonly attempts = new AttemptTracker();

  constructor(
    private readonly app: AppDefinition,
    private readonly bindings: Record<string, BucketBinding>,
    private readonly log: Logger | undefined,
    /** Set when the scope is one function; the whole app otherwise. */
    private readonly only?: AnyFunction,
  ) {
  }

  private runtime(): Promise<AppRuntime> {
    this.runtimePromise ??= AppRuntime.create(this.app, { provider: 'aws', concurrency: 1, buckets: this.bindings, ...(this.log ? { log: this.log } : {}) }).catch((err: unknown) => {
      this.runtimePromise = undefined; // a failed start (bucket unreachable) is retried on the next event
      throw err;
    });
    return this.runtimePromise;
  }

  /** What Lambda gets back on failure is only what {@link platformError} lets through. */
  async handle(event: unknown, context: LambdaContextLike | undefined): Promise<unknown> {
    try {
      return await this.dispatch(event, context);
    } catch (err) {
      throw platformError(err, this.log ?? createLogger({ fields: { provider: 'aws' } }), { fn: this.only?.name });
    }
  }

  private async dispatch(event: unknown, context: LambdaContextLike | undefined): Promise<unknown> {
    // Warm instances keep timers (model refresh); Lambda must not wait for them to return.
    if (context && 'callbackWaitsForEmptyEventLoop' in context) context.callbackWaitsForEmptyEventLoop = false;
    const requestId = context?.awsRequestId ?? crypto.randomUUID();
    const inv: Invocation = { requestId, platformDeadline: platformDeadline(context), attempt: () => this.attempts.next(requestId) };
    const raw = { event, context };
    const rt = await this.runtime();

    if (isWarmupEvent(event)) {
      const results = await Promise.all([...rt.instances.values()].map((i) => i.warmup()));
      return this.only ? results[0] : { warm: true, functions: results };
    }
    const http = httpEventKind(event);
    if (http) {
      const request = toHttpRequest(event, http, raw);
      // The instance caps this at the function's own timeoutMs.
      const deadline = inv.platformDeadline;
      const response = await rt.handleHttp(request, { requestId, ...(deadline ? { deadline } : {}) });
      return toLambdaResult(response, http, event);
    }
    if (isS3Event(event)) return this.s3(rt, event.Records, inv, raw);
    if (isSqsEvent(event)) return this.sqs(rt, event.Records, inv, raw);
    if (isSnsEvent(event)) {
      for (const record of event.Records) {
        const message = snsToMessage(record, raw);
        await this.invokeAll(this.queueTargets(rt, message.queue), message, inv, inv.attempt());
      }
      return undefined;
    }
    if (isScheduledEvent(event)) {
      const attempt = inv.attempt();
      const targets = this.scheduleTargets(rt, ruleNames(event));
      for (const t of targets) {
        const fired = createScheduleEvent({ cron: (t.fn.trigger as { cron: string }).cron, id: event.id, source: event.source, time: new Date(event.time), raw });
        await this.invokeOne(t, fired, inv, attempt);
      }
      return undefined;
    }
    if (isInvokeEnvelope(event)) return this.direct(rt, rt.instance(event.function), event.payload, inv, raw);
    if (!looksLikeAwsEvent(event) && this.only) return this.direct(rt, rt.instance(this.only.name), event, inv, raw);
    throw new PolyfaasError('InvalidArgument', `Unsupported Lambda event shape${this.only ? '' : ' (a direct invocation of a whole-app handler must name the function: { "polyfaas": "invoke", "function": "…", "payload": … })'}`, {
      details: { keys: typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 10) : [typeof event], ...(isEventBridgeEvent(event) ? { source: (event as { source: string }).source } : {}) },
    });
  }

  private async invokeOne(target: FunctionInstance, event: unknown, inv: Invocation, attempt: number): Promise<unknown> {
    const deadline = inv.platformDeadline; // capped at the function's timeoutMs by the instance
    return target.invoke(event, { requestId: inv.requestId, attempt, ...(deadline ? { deadline } : {}) });
  }

  private async invokeAll(targets: FunctionInstance[], event: unknown, inv: Invocation, attempt: number): Promise<void> {
    const results = await Promise.allSettled(targets.map((t) => this.invokeOne(t, event, inv, attempt)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Every record is handled; any failure fails the invocation so Lambda retries it (handlers are idempotent). */
  private async s3(rt: AppRuntime, records: S3EventRecord[], inv: Invocation, raw: unknown): Promise<{ processed: number; skipped: number }> {
    const attempt = inv.attempt();
    let processed = 0;
    let skipped = 0;
    const failures: unknown[] = [];
    for (const record of records) {
      const result = toStorageEvent(record, this.bindings, raw);
      if ('skipped' in result) {
        skipped++;
        rt.log.debug('S3 record skipped', { reason: result.skipped });
        continue;
      }
      const targets = rt.storageTargets(result.event);
      if (targets.length === 0) skipped++;
      else processed++;
      try {
        await this.invokeAll(targets, result.event, inv, attempt);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length) throw failures[0];
    return { processed, skipped };
  }

  /** Messages are handled one by one; only failed ones go back to the queue (`ReportBatchItemFailures`). */
  private async sqs(rt: AppRuntime, records: Parameters<typeof sqsToMessage>[0][], inv: Invocation, raw: unknown): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of records) {
      try {
        const message = sqsToMessage(record, raw);
        await this.invokeAll(this.queueTargets(rt, message.queue), message, inv, message.deliveryCount);
      } catch (err) {
        const id = batchItemId(record);
        // Without a messageId the record cannot be listed: failing the batch is the only way to return it.
        if (id === undefined) throw err;
        rt.log.warn('SQS message failed; it returns to the queue', { messageId: id, err: err instanceof Error ? err.message : String(err) });
        batchItemFailures.push({ itemIdentifier: id });
      }
    }
    return { batchItemFailures };
  }

  /** One function's handler takes whatever its event source mapping sends; the whole app matches queue names. */
  private queueTargets(rt: AppRuntime, queue: string): FunctionInstance[] {
    const all = [...rt.instances.values()].filter((i) => (i.fn.trigger as Trigger).type === 'queue');
    const targets = this.only ? all : all.filter((i) => (i.fn.trigger as { queue: string }).queue === queue);
    if (targets.length === 0) throw new PolyfaasError('NotFound', `No function listens on queue or topic "${arnName(queue)}"`);
    return targets;
  }

  private scheduleTargets(rt: AppRuntime, rules: string[]): FunctionInstance[] {
    const all = [...rt.instances.values()].filter((i) => (i.fn.trigger as Trigger).type === 'schedule');
    if (this.only || all.length === 1) {
      if (all.length === 0) throw new PolyfaasError('InvalidArgument', `${this.only?.name ?? 'The app'} is not schedule-triggered`);
      return all;
    }
    // Several schedules in one Lambda: the rule name says which (the generated templates name rules after functions).
    const named = all.filter((i) => rules.some((rule) => rule === i.fn.name || rule.endsWith(`-${i.fn.name}`)));
    if (named.length === 0) throw new PolyfaasError('NotFound', `No scheduled function matches rule ${rules.join(', ')}`);
    return named;
  }

  private async direct(rt: AppRuntime, target: FunctionInstance, payload: unknown, inv: Invocation, raw: unknown): Promise<unknown> {
    const event = directEvent(target.fn, payload, inv.requestId, raw);
    if ((target.fn.trigger as Trigger).type === 'http') {
      const deadline = inv.platformDeadline;
      const response = await rt.handleHttp(event as Parameters<AppRuntime['handleHttp']>[0], { requestId: inv.requestId, ...(deadline ? { deadline } : {}) });
      return toLambdaResult(response, 'apigw-v2', undefined);
    }
    return this.invokeOne(target, event, inv, inv.attempt());
  }
}

/** AWS service events carry these; a direct-invocation payload of a single function never should. */
function looksLikeAwsEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  return 'Records' in e || 'requestContext' in e || isEventBridgeEvent(e) || 'detail-type' in e;
}
