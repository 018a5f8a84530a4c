import { randomUUID } from 'node:crypto';
import type { Request, Response } from '@google-cloud/functions-framework';
import * as functions from '@google-cloud/functions-framework';
import type { Storage, StorageOptions } from '@google-cloud/storage';
import type { AnyFunction, AppDefinition, BucketBinding, Logger, Trigger } from '../../src/index.js';
import type { EventInput } from '../../src/adapter.js';
import { createLogger, DEFAULT_TIMEOUT_MS, defineApp, PolyfaasError } from '../../src/index.js';
import {
  AppRuntime,
  bucketBindingsFromEnv,
  bucketEnvName,
  errorResponse,
  fromNodeRequest,
  hostFailure,
  isRetried,
  lazy,
  malformedEvent,
  nodeRequestPath,
  registeredBucketSchemes,
  WARMUP_EVENT,
  writeNodeResponse,
} from '../../src/adapter.js';
import type { GcpCloudEvent } from './cloud-event.js';
import { mapCloudEvent } from './cloud-event.js';
import { registerSchemes } from './gcs-bucket.js';
import { readRequestBody } from './raw-body.js';

/** Options for {@link registerGcp}. */
export interface RegisterGcpOptions {
  /** Bucket bindings that win over the app's and the environment's (tests use them). */
  buckets?: Record<string, BucketBinding>;
  /** Where `POLYFAAS_BUCKET_<NAME>` bindings are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Cloud Storage client or its options (e.g. `{ apiEndpoint }`) for `gs://` bindings. */
  storage?: Storage | StorageOptions;
  log?: Logger;
}

/** How one function was registered with the Functions Framework. */
export interface GcpTarget {
  /** The `--entry-point` / `--target`: the polyfaas function name. */
  readonly name: string;
  /** `http` for HTTP triggers, `cloudevent` for storage, queue and schedule triggers. */
  readonly signature: 'http' | 'cloudevent';
}

/**
 * Register every function of an app with the Functions Framework: HTTP
 * triggers with `http()`, storage, queue and schedule triggers with
 * `cloudEvent()`. Deploy each function with its name as the entry point
 * (`polyfaas bundle gcp` prints the `gcloud` commands).
 *
 * Each function gets its own runtime (buckets, `init`, cold/warm state), built on
 * its first request, as each Cloud Function is its own service. Buckets are bound
 * with `POLYFAAS_BUCKET_<NAME>=gs://bucket/prefix/`.
 *
 * - HTTP: the raw body (`req.rawBody`) is kept for binary uploads; the request id is the
 *   `function-execution-id` header; the deadline is now + the function's `timeoutMs`
 *   (Cloud Functions has no remaining-time API; deploy with the same timeout). The platform
 *   routed the request to this function, so only its own route is matched (for path
 *   parameters, 404 and 405); the bare function URL `/` reaches a route without parameters.
 *   Responses go through the core encoder (the same Node bridge as the local server).
 *   Errors are JSON bodies without stack traces.
 * - Events: GCS finalized/deleted and Pub/Sub messagePublished CloudEvents (binary or
 *   structured mode, and legacy background events, which the framework converts). Events
 *   outside the trigger's bucket, prefix or suffix are acknowledged and skipped. Everything
 *   after translation is `AppRuntime.handleEvent`. A handler failure answers non-2xx so the
 *   platform retries (when the function is deployed with `--retry`); the response body
 *   carries `<Code>: <message>` only. A failure no retry can fix (a malformed or unknown
 *   event, an invalid object name) is logged as an error and acknowledged: Eventarc has no
 *   "do not retry" answer, and with `--retry` it would redeliver it for up to a day.
 *
 * @example
 * ```ts
 * // examples/fashion-mnist/gcp.ts
 * import { registerGcp } from 'polyfaas/gcp';
 * import { app } from './app.js';
 * registerGcp(app);
 * ```
 */
export function registerGcp(app: AppDefinition, options: RegisterGcpOptions = {}): GcpTarget[] {
  registerSchemes(options.storage ?? {});
  const log = options.log ?? createLogger({ fields: { app: app.name, provider: 'gcp' } });
  const bindings: Record<string, BucketBinding> = { ...app.buckets, ...bucketBindingsFromEnv(app, options.env ?? process.env), ...(options.buckets ?? {}) };
  return app.functions.map((fn) => {
    const runtime = lazyRuntime(app, fn, bindings, log);
    if ((fn.trigger as Trigger).type === 'http') {
      functions.http(fn.name, httpHandler(fn, runtime, log));
      return { name: fn.name, signature: 'http' as const };
    }
    functions.cloudEvent<unknown>(fn.name, cloudEventHandler(fn, runtime, bindings, log));
    return { name: fn.name, signature: 'cloudevent' as const };
  });
}

type RuntimeFor = () => Promise<AppRuntime>;

/** Event-driven 2nd gen functions run at most 9 minutes, whatever the definition asks for. */
const MAX_EVENT_TIMEOUT_MS = 540_000;

/** The function's runtime, built on first use; a failure is retried on the next request. */
function lazyRuntime(app: AppDefinition, fn: AnyFunction, bindings: Record<string, BucketBinding>, log: Logger): RuntimeFor {
  return lazy(async () => {
    checkBindings(bindings);
    const single = defineApp({ name: app.name, functions: [fn], buckets: app.buckets, stores: app.stores, ...(app.auth ? { auth: app.auth } : {}) });
    return AppRuntime.create(single, { provider: 'gcp', log, buckets: bindings });
  });
}

/** Fail with a useful message when a bucket is still bound to a URL nothing here can open (e.g. `file://`). */
function checkBindings(bindings: Record<string, BucketBinding>): void {
  const schemes = new Set(registeredBucketSchemes());
  for (const [name, binding] of Object.entries(bindings)) {
    if (typeof binding !== 'string') continue;
    const scheme = binding.split(':', 1)[0]?.toLowerCase() ?? '';
    if (!schemes.has(scheme)) {
      throw new PolyfaasError('InvalidArgument', `Bucket "${name}" is bound to ${binding}; on Cloud Functions set ${bucketEnvName(name)}=gs://<bucket>/<prefix>/`);
    }
  }
}

function httpHandler(fn: AnyFunction, runtime: RuntimeFor, log: Logger): functions.HttpFunction {
  const fnLog = log.child({ fn: fn.name });
  return async (req: Request, res: Response) => {
    const received = Date.now();
    const requestId = req.get('function-execution-id') ?? req.executionId ?? randomUUID();
    const options = { requestId, log: fnLog };
    try {
      const rt = await runtime();
      const body = await readRequestBody(req, rt.maxBodyBytesFor(req.method, nodeRequestPath(req)));
      const request = fromNodeRequest(req, body, { requestId, source: 'polyfaas://gcp/http' });
      // Cloud Functions already routed the request to this function: the runtime only fits it to its own route.
      const response = await rt.handleHttp(request, { requestId, deadline: received + (fn.timeoutMs ?? DEFAULT_TIMEOUT_MS), target: { function: fn.name } });
      writeNodeResponse(req, res, response, options);
    } catch (err) {
      // Only a runtime that cannot start gets here; answer like any other error.
      if (!res.headersSent) writeNodeResponse(req, res, errorResponse(err, requestId, fnLog), options);
      else res.destroy();
    }
  };
}

function cloudEventHandler(
  fn: AnyFunction,
  runtime: RuntimeFor,
  bindings: Record<string, BucketBinding>,
  log: Logger,
): functions.CloudEventFunction<unknown> {
  return async (cloudEvent) => {
    const received = Date.now();
    const event = cloudEvent as unknown as GcpCloudEvent | undefined;
    const id = typeof event?.id === 'string' ? event.id : undefined;
    const fnLog = log.child({ fn: fn.name, eventId: id, eventType: typeof event?.type === 'string' ? event.type : undefined });
    try {
      const rt = await runtime();
      let input: EventInput;
      try {
        const mapped = mapCloudEvent(fn, event as GcpCloudEvent, bindings);
        if (mapped.action === 'skip') {
          fnLog.debug('event skipped', { reason: mapped.reason });
          return;
        }
        input = mapped.action === 'warmup' ? WARMUP_EVENT : mapped.event;
      } catch (err) {
        throw malformedEvent(err, 'CloudEvent');
      }
      await rt.handleEvent(input, { function: fn.name, received, maxTimeoutMs: MAX_EVENT_TIMEOUT_MS, ...(id ? { requestId: id } : {}) });
    } catch (err) {
      const failure = hostFailure(err, fnLog, { retried: isRetried(err) });
      if (!isRetried(err)) return; // acknowledged: see registerGcp
      throw frameworkError(failure);
    }
  };
}

/**
 * The error the framework answers with (500; the message is the body outside
 * production): `<Code>: <message>`, already stripped of internals by `hostFailure`.
 */
function frameworkError(failure: PolyfaasError): Error {
  const err = new Error(`${failure.code}: ${failure.message}`);
  err.name = 'PolyfaasDeliveryError';
  err.stack = `${err.name}: ${err.message}`;
  return err;
}
