import type { S3EventRecord, SNSEventRecord, SQSBatchResponse } from 'aws-lambda';
import type { AnyFunction, AppDefinition, BucketBinding, Logger } from '../../../src/index.js';
import type { DeliveryFacts, EventInput, WarmupResult } from '../../../src/adapter.js';
import { createLogger, createScheduleEvent, defineApp, PolyfaasError } from '../../../src/index.js';
import {
  AppRuntime,
  bucketBindingsFromEnv,
  hostFailure,
  isRetried,
  isWarmupEvent,
  lazy,
  malformedEvent,
  WARMUP_EVENT,
} from '../../../src/adapter.js';
import type { S3BucketOptions } from '../s3/s3-bucket.js';
import { registerSchemes } from '../schemes.js';
import { directEvent, isInvokeEnvelope } from './direct-invoke.js';
import { awsIdentity } from './identity.js';
import { httpEventKind, toHttpRequest, toLambdaResult } from './http-events.js';
import type { LambdaContextLike } from './lambda-context.js';
import { platformDeadline } from './lambda-context.js';
import { batchItemId, isSnsEvent, isSqsEvent, snsToMessage, sqsToMessage } from './message-events.js';
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

/** What an S3 or SNS invocation returns when no record needs a retry. */
export interface RecordsResult {
  /** Records at least one function handled. */
  processed: number;
  /** Records outside the app's bucket bindings or no trigger wanted. */
  skipped: number;
  /** Records failed for good (malformed, invalid key): logged, acknowledged, never retried. */
  rejected: number;
}

/**
 * Run an app on AWS Lambda. Each event shape is translated at the edge —
 * API Gateway REST (v1) and HTTP API (v2), Function URLs, ALB, S3, SQS
 * (partial batch failures), SNS, EventBridge schedules, direct invocation and
 * warm-up pings — and answered in the shape its trigger expects. Everything
 * else (targets, key checks, attempts, deadlines, warm-up) is
 * `AppRuntime.handleEvent`. Apps are initialised once per container and
 * reused across invocations.
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
    const scope = new Scope(defineApp({ name: app.name, functions: [fn], buckets: app.buckets, stores: app.stores, ...(app.auth ? { auth: app.auth } : {}) }), bindings, options.log, fn);
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

/** The functions one handler serves, with their runtime created once per container. */
class Scope {
  /** A failed start (bucket unreachable) is retried on the next event. */
  private readonly runtime: () => Promise<AppRuntime>;
  /** Also logs failures that happen before the runtime exists (a bucket that cannot be opened). */
  private readonly log: Logger;

  constructor(
    app: AppDefinition,
    private readonly bindings: Record<string, BucketBinding>,
    log: Logger | undefined,
    /** Set when the scope is one function; the whole app otherwise. */
    private readonly only?: AnyFunction,
  ) {
    this.log = log ?? createLogger({ fields: { app: app.name, provider: 'aws' } });
    this.runtime = lazy(() => AppRuntime.create(app, { provider: 'aws', concurrency: 1, buckets: bindings, log: this.log }));
  }

  /** What Lambda gets back on failure is only what `hostFailure` lets through. */
  async handle(event: unknown, context: LambdaContextLike | undefined): Promise<unknown> {
    try {
      return await this.dispatch(event, context);
    } catch (err) {
      throw hostFailure(err, this.log, { fn: this.only?.name });
    }
  }

  private async dispatch(event: unknown, context: LambdaContextLike | undefined): Promise<unknown> {
    // Warm instances keep timers (model refresh); Lambda must not wait for them to return.
    if (context && 'callbackWaitsForEmptyEventLoop' in context) context.callbackWaitsForEmptyEventLoop = false;
    const requestId = context?.awsRequestId ?? crypto.randomUUID();
    const deadline = platformDeadline(context);
    const facts: DeliveryFacts = { requestId, deliveryKey: requestId, ...(deadline ? { deadline } : {}), ...(this.only ? { function: this.only.name } : {}) };
    const raw = { event, context };
    const rt = await this.runtime();

    if (isWarmupEvent(event)) {
      const outcome = await rt.handleEvent(WARMUP_EVENT, facts);
      const results = outcome.status === 'warmed' ? outcome.results : ([] as WarmupResult[]);
      return this.only ? results[0] : { warm: true, functions: results };
    }
    const http = httpEventKind(event);
    if (http) {
      const request = toHttpRequest(event, http, raw);
      // The instance caps this at the function's own timeoutMs.
      // A per-function Lambda was chosen by its gateway route: the runtime fits the request to that function only.
      const target = this.only ? { target: { function: this.only.name } } : {};
      const identity = awsIdentity(event);
      const response = await rt.handleHttp(request, { requestId, ...(deadline ? { deadline } : {}), ...target, ...(identity ? { identity } : {}) });
      return toLambdaResult(response, http, event, { method: request.method, requestId, log: rt.log });
    }
    if (isSqsEvent(event)) return this.sqs(rt, event.Records, facts, raw);
    if (isS3Event(event)) return this.records(rt, event.Records, facts, 'S3 record', (r: S3EventRecord) => toStorageEvent(r, this.bindings, raw));
    if (isSnsEvent(event)) return this.records(rt, event.Records, facts, 'SNS record', (r: SNSEventRecord) => ({ event: snsToMessage(r, raw) }));
    if (isScheduledEvent(event)) {
      const fired = (e: typeof event) => {
        const time = new Date(e.time);
        if (Number.isNaN(time.getTime())) throw new PolyfaasError('InvalidArgument', 'EventBridge event has no valid time');
        // The runtime fills in the cron of the function the rule fired.
        return { event: createScheduleEvent({ cron: '', id: e.id, source: e.source, time, raw }) };
      };
      return this.records(rt, [event], { ...facts, rules: ruleNames(event) }, 'EventBridge event', fired);
    }
    if (isInvokeEnvelope(event)) return this.direct(rt, event.function, event.payload, facts, raw);
    if (!looksLikeAwsEvent(event) && this.only) return this.direct(rt, this.only.name, event, facts, raw);
    throw new PolyfaasError('InvalidArgument', `Unsupported Lambda event shape${this.only ? '' : ' (a direct invocation of a whole-app handler must name the function: { "polyfaas": "invoke", "function": "…", "payload": … })'}`, {
      details: { keys: typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 10) : [typeof event], ...(isEventBridgeEvent(event) ? { source: (event as { source: string }).source } : {}) },
    });
  }

  /**
   * Asynchronous sources (S3, SNS, EventBridge): every record is handled on its
   * own, a bad one never stops the others. Any retryable failure fails the
   * invocation so Lambda retries it (handlers are idempotent); records that no
   * retry can fix (malformed, invalid key) are logged and acknowledged, since
   * Lambda cannot be told to retry only some records of an async event.
   */
  private async records<R>(
    rt: AppRuntime,
    records: readonly R[],
    facts: DeliveryFacts,
    what: string,
    translate: (record: R) => { event: EventInput } | { skipped: string },
  ): Promise<RecordsResult> {
    const result: RecordsResult = { processed: 0, skipped: 0, rejected: 0 };
    let retry: unknown;
    for (const record of records) {
      try {
        let translated: ReturnType<typeof translate>;
        try {
          translated = translate(record);
        } catch (err) {
          throw malformedEvent(err, what);
        }
        if ('skipped' in translated) {
          result.skipped++;
          rt.log.debug(`${what} skipped`, { reason: translated.skipped });
          continue;
        }
        const outcome = await rt.handleEvent(translated.event, facts);
        if (outcome.status === 'skipped') result.skipped++;
        else result.processed++;
      } catch (err) {
        if (isRetried(err)) retry ??= err;
        else {
          result.rejected++;
          hostFailure(err, rt.log, { record: what, retried: false });
        }
      }
    }
    if (retry !== undefined) throw hostFailure(retry, rt.log, { record: what });
    return result;
  }

  /**
   * Messages are handled one by one; only failed ones go back to the queue
   * (`ReportBatchItemFailures`), including ones no retry can fix: SQS's redrive
   * policy then moves them to the dead-letter queue. A record without a
   * `messageId` cannot be reported; when it fails, the whole batch fails.
   */
  private async sqs(rt: AppRuntime, records: Parameters<typeof sqsToMessage>[0][], facts: DeliveryFacts, raw: unknown): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of records) {
      const messageId = batchItemId(record);
      try {
        let message: ReturnType<typeof sqsToMessage>;
        try {
          message = sqsToMessage(record, raw);
        } catch (err) {
          throw malformedEvent(err, 'SQS record');
        }
        await rt.handleEvent(message, { ...facts, attempt: message.deliveryCount });
      } catch (err) {
        const failure = hostFailure(err, rt.log, { messageId, retried: isRetried(err) });
        // Without a messageId the record cannot be listed: failing the whole batch is the only way to return it.
        if (messageId === undefined) throw failure;
        batchItemFailures.push({ itemIdentifier: messageId });
      }
    }
    return { batchItemFailures };
  }

  /** A direct invocation: the payload becomes the event the function's trigger expects; failures go back to the caller. */
  private async direct(rt: AppRuntime, name: string, payload: unknown, facts: DeliveryFacts, raw: unknown): Promise<unknown> {
    const target = rt.instance(name);
    let event: unknown;
    try {
      event = directEvent(target.fn, payload, facts.requestId as string, raw);
    } catch (err) {
      throw malformedEvent(err, `direct invocation of ${name}`);
    }
    if (target.fn.trigger.type === 'http') {
      const request = event as Parameters<AppRuntime['handleHttp']>[0];
      const response = await rt.handleHttp(request, {
        ...(facts.requestId ? { requestId: facts.requestId } : {}),
        ...(facts.deadline ? { deadline: facts.deadline } : {}),
        target: { function: name },
      });
      return toLambdaResult(response, 'apigw-v2', undefined, { method: request.method, requestId: facts.requestId ?? '', log: rt.log });
    }
    try {
      const outcome = await rt.handleEvent({ polyfaas: 'invoke', function: name, event }, facts);
      return outcome.status === 'handled' ? outcome.results[0]?.value : undefined;
    } catch (err) {
      throw hostFailure(err, rt.log, { function: name });
    }
  }
}

/** AWS service events carry these; a direct-invocation payload of a single function never should. */
function looksLikeAwsEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  return 'Records' in e || 'requestContext' in e || isEventBridgeEvent(e) || 'detail-type' in e;
}
