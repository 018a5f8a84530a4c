import type { HttpRequest as AzureHttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { AnyFunction, AppDefinition, BucketBinding, Logger, Trigger } from '../../src/index.js';
import type { DeliveryFacts, EventInput } from '../../src/adapter.js';
import { createLogger, DEFAULT_RETRIES, PolyfaasError } from '../../src/index.js';
import {
  AppRuntime,
  bucketBindingsFromEnv,
  bucketEnvName,
  encodeHttpResponse,
  errorResponse,
  hostFailure,
  isRetried,
  lazy,
  malformedEvent,
} from '../../src/adapter.js';
import type { AzureApp } from './azure-sdk.js';
import { azure } from './azure-sdk.js';
import type { AzureBlobBucketOptions } from './blob-bucket.js';
import { AzureBlobBucket, CONNECTION_STRING_ENV, parseAzblobUrl } from './blob-bucket.js';
import { registerSchemes } from './schemes.js';
import { storageEventFromBlobTrigger, storageEventFromEventGrid } from './blob-events.js';
import { fromAzureRequest, toAzureResponse } from './http-mapping.js';
import type { AzureAuthLevel } from './auth-level.js';
import { authLevelFromEnv } from './auth-level.js';
import { azureIdentity } from './identity.js';
import { messageEventFromQueue, scheduleEventFromTimer } from './message-events.js';
import { ALL_HTTP_METHODS, derivedFunctionName, toAzureMethods, toAzureRoute, toBlobPath, toNcrontab } from './trigger-options.js';

/** Options for {@link registerAzure}. */
export interface RegisterAzureOptions {
  /** Where `POLYFAAS_BUCKET_<NAME>` bindings are read. Default `process.env` (the app settings). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Bindings that win over the app's and the environment's (tests). */
  buckets?: Record<string, BucketBinding>;
  /** App setting holding the storage connection string for blob and queue triggers. Default `AZURE_STORAGE_CONNECTION_STRING`. */
  connection?: string;
  /**
   * How blob triggers learn about new blobs: `LogsAndContainerScan` (polling, works
   * everywhere; the default) or `EventGrid` (low latency, required on Flex
   * Consumption; needs an Event Grid subscription to the `blobs` extension webhook).
   */
  blobSource?: 'LogsAndContainerScan' | 'EventGrid';
  /**
   * Authorization level of HTTP triggers. Default: the app setting
   * `POLYFAAS_AZURE_AUTH_LEVEL` (which `polyfaas bundle azure --public` sets to
   * `anonymous`), else `function`: callers need a function key (`x-functions-key`).
   */
  authLevel?: AzureAuthLevel;
  /** The host's `extensions.http.routePrefix`. Default `''`, as the bundle's host.json sets. */
  routePrefix?: string;
  /**
   * Register a catch-all HTTP function so unknown paths and wrong methods get the
   * same JSON 404/405 as on every other platform. Default true when the app has HTTP functions.
   */
  fallbackRoute?: boolean;
  /** Blob Storage credentials for `azblob://` bindings. Default: `AZURE_STORAGE_CONNECTION_STRING`. */
  storage?: Omit<AzureBlobBucketOptions, 'container' | 'prefix'>;
  log?: Logger;
  /** The `app` object of `@azure/functions` (injectable for tests). */
  azureApp?: AzureApp;
}

/** How one polyfaas function was registered with Azure. */
export interface RegisteredAzureFunction {
  /** Name of the Azure function. */
  readonly name: string;
  /** The polyfaas function it runs (absent for the fallback route). */
  readonly function?: string;
  readonly trigger: 'http' | 'blob' | 'eventGrid' | 'queue' | 'timer';
  /** Route template (HTTP), blob path (blob), queue name (queue) or NCRONTAB (timer). */
  readonly target?: string;
  readonly methods?: readonly string[];
}

/** What {@link registerAzure} did. */
export interface AzureRegistration {
  readonly functions: readonly RegisteredAzureFunction[];
  /** The app runtime of this worker (created on first use, shared by every function). */
  runtime(): Promise<AppRuntime>;
}

/** What `polyfaas bundle azure` learns from an entry file without registering anything. */
export interface AzurePlan {
  readonly app: AppDefinition;
  readonly functions: readonly RegisteredAzureFunction[];
  readonly connection: string;
  readonly blobSource: 'LogsAndContainerScan' | 'EventGrid';
}

/**
 * Set on `globalThis` by the bundler before it imports an entry: `registerAzure`
 * then hands it the plan and registers nothing with `@azure/functions`.
 */
export const AZURE_PLAN_HOOK = Symbol.for('polyfaas.azure.plan');

const inertApp: AzureApp = { http: () => undefined, storageBlob: () => undefined, storageQueue: () => undefined, timer: () => undefined, eventGrid: () => undefined };

/** Name of the catch-all HTTP function. */
export const FALLBACK_FUNCTION = 'polyfaas-fallback';

/**
 * Register every function of an app with Azure Functions (Node.js v4 model).
 * Call it once from the entry module the `main` of package.json points at.
 *
 * - HTTP → `app.http` (methods, route `items/{id}`, auth level): the host routes
 *   each request to its function, which runs with the host's route parameters
 *   (no second routing); a catch-all route answers neutral 404/405 errors
 *   through the app's router. Cookies go out as Azure `cookies`.
 * - Storage `created` → `app.storageBlob` on `container/prefix<trigger prefix>{name}<suffix>`
 *   (polling or `source: 'EventGrid'`). Azure blob triggers never fire on
 *   deletion, so storage `deleted` → `app.eventGrid` function `<name>-deleted`
 *   receiving `Microsoft.Storage.BlobDeleted` (subscribe it to the account's events).
 * - Queue → `app.storageQueue`: a failing message is rethrown, the host
 *   retries it up to `maxDequeueCount` and then moves it to `<queue>-poison`.
 * - Schedule → `app.timer` with a 6-field NCRONTAB and an exponential-backoff
 *   retry policy of `retries` attempts.
 *
 * Bucket bindings come from `POLYFAAS_BUCKET_<NAME>=azblob://container/prefix`
 * app settings; blob events map back to logical buckets through them.
 *
 * @example
 * ```ts
 * // examples/fashion-mnist/azure.ts — the function app's entry
 * import { registerAzure } from 'polyfaas/azure';
 * import { app } from './app.js';
 * registerAzure(app);
 * ```
 */
export function registerAzure(app: AppDefinition, options: RegisterAzureOptions = {}): AzureRegistration {
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger({ fields: { app: app.name, provider: 'azure' } });
  const planner = (globalThis as Record<symbol, unknown>)[AZURE_PLAN_HOOK] as ((plan: AzurePlan) => void) | undefined;
  const azureApp = options.azureApp ?? (planner ? inertApp : azure.app);
  const connection = options.connection ?? CONNECTION_STRING_ENV;
  const routePrefix = options.routePrefix ?? '';
  const authLevel = options.authLevel ?? authLevelFromEnv(env);
  registerSchemes(options.storage);

  const overrides = { ...bucketBindingsFromEnv(app, env), ...(options.buckets ?? {}) };
  const bindings = { ...app.buckets, ...overrides };
  const containers = blobLocations(bindings);
  // Azure loads the entry module synchronously to read registrations, while opening buckets is async.
  const runtime = lazy(() => AppRuntime.create(app, { provider: 'azure', log, buckets: overrides }));
  const taken = new Set(app.functions.map((fn) => fn.name));
  const registered: RegisteredAzureFunction[] = [];

  /**
   * Translate one trigger invocation and hand it to `AppRuntime.handleEvent`
   * (targets, key checks, attempts, warm-up). `undefined` means the event is not
   * this app's (a blob outside every binding). Any failure is rethrown, coded and
   * without internals: that is what makes Azure retry, then poison-queue (queues,
   * blobs) or dead-letter (Event Grid), including failures no retry can fix,
   * which fail again before any handler runs until the host gives up on them.
   */
  const deliver = async (
    fn: AnyFunction,
    context: InvocationContext,
    what: string,
    translate: () => { input: EventInput; facts?: DeliveryFacts } | undefined,
  ): Promise<void> => {
    try {
      let translated: ReturnType<typeof translate>;
      try {
        translated = translate();
      } catch (err) {
        throw malformedEvent(err, what);
      }
      if (!translated) return;
      const rt = await runtime();
      await rt.handleEvent(translated.input, { ...translated.facts, function: fn.name, requestId: context.invocationId });
    } catch (err) {
      throw hostFailure(err, log, { fn: fn.name, retried: isRetried(err) });
    }
  };

  /** `fn` is the function the host's route table chose; absent for the catch-all route, which the runtime routes. */
  const http = (fn?: AnyFunction) => async (request: AzureHttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const requestId = context.invocationId;
    const reqLog = log.child({ requestId });
    try {
      const rt = await runtime();
      const neutral = await fromAzureRequest(request, { routePrefix, requestId });
      // The host matched route and method; its route parameters are the function's.
      const target = fn ? { function: fn.name, params: { ...request.params } } : undefined;
      const identity = azureIdentity(neutral.headers);
      const response = await rt.handleHttp(neutral, { requestId, ...(target ? { target } : {}), ...(identity ? { identity } : {}) });
      return toAzureResponse(encodeHttpResponse(response, { method: request.method, requestId, log: reqLog }));
    } catch (err) {
      return toAzureResponse(encodeHttpResponse(errorResponse(err, requestId, reqLog), { method: request.method, requestId, log: reqLog }));
    }
  };

  for (const fn of app.functions) {
    const trigger = fn.trigger as Trigger;
    switch (trigger.type) {
      case 'http': {
        const route = toAzureRoute(trigger.path);
        const methods = toAzureMethods(trigger);
        azureApp.http(fn.name, { methods, route, authLevel, handler: http(fn) });
        registered.push({ name: fn.name, function: fn.name, trigger: 'http', target: route, methods });
        break;
      }
      case 'storage': {
        const location = containers[trigger.bucket];
        if (!location) {
          throw new PolyfaasError(
            'InvalidArgument',
            `${fn.name} triggers on bucket "${trigger.bucket}", which is not bound to Blob Storage: set ${bucketEnvName(trigger.bucket)}=azblob://<container>/<prefix>`,
          );
        }
        const kinds = trigger.events ?? ['created'];
        if (kinds.includes('created')) {
          const path = toBlobPath(location, trigger);
          azureApp.storageBlob(fn.name, {
            path,
            connection,
            ...(options.blobSource === 'EventGrid' ? { source: 'EventGrid' as const } : {}),
            handler: (_blob: unknown, context: InvocationContext) =>
              deliver(fn, context, 'blob trigger invocation', () => {
                const event = storageEventFromBlobTrigger(context, containerUrls(containers));
                return event && { input: event };
              }),
          });
          registered.push({ name: fn.name, function: fn.name, trigger: 'blob', target: path });
        }
        if (kinds.includes('deleted')) {
          const name = kinds.includes('created') ? derivedFunctionName(fn.name, 'deleted', taken) : fn.name;
          azureApp.eventGrid(name, {
            handler: (gridEvent: unknown, context: InvocationContext) =>
              deliver(fn, context, 'Event Grid event', () => {
                const event = storageEventFromEventGrid(gridEvent, containerUrls(containers));
                return event && { input: event };
              }),
          });
          registered.push({ name, function: fn.name, trigger: 'eventGrid', target: 'Microsoft.Storage.BlobDeleted' });
        }
        break;
      }
      case 'queue': {
        azureApp.storageQueue(fn.name, {
          queueName: trigger.queue,
          connection,
          handler: (message: unknown, context: InvocationContext) =>
            deliver(fn, context, 'queue message', () => {
              // A `{ "polyfaas": "warmup" }` body is recognised by the runtime.
              const event = messageEventFromQueue(trigger.queue, message, context);
              return { input: event, facts: { attempt: event.deliveryCount } };
            }),
        });
        registered.push({ name: fn.name, function: fn.name, trigger: 'queue', target: trigger.queue });
        break;
      }
      case 'schedule': {
        const schedule = toNcrontab(trigger);
        azureApp.timer(fn.name, {
          schedule,
          retry: { strategy: 'exponentialBackoff', maxRetryCount: fn.retries ?? DEFAULT_RETRIES, minimumInterval: 10_000, maximumInterval: 300_000 },
          handler: (timer: Timer, context: InvocationContext) =>
            deliver(fn, context, 'timer tick', () => ({
              input: scheduleEventFromTimer(fn.name, trigger.cron, timer),
              facts: { attempt: (context.retryContext?.retryCount ?? 0) + 1 },
            })),
        });
        registered.push({ name: fn.name, function: fn.name, trigger: 'timer', target: schedule });
        break;
      }
    }
  }

  const hasHttp = app.functions.some((fn) => fn.trigger.type === 'http');
  if (hasHttp && (options.fallbackRoute ?? true)) {
    if (taken.has(FALLBACK_FUNCTION)) throw new PolyfaasError('InvalidArgument', `"${FALLBACK_FUNCTION}" is reserved by the Azure adapter`);
    // Literal and parameter routes win over a catch-all in the host's router, so this only sees misses.
    azureApp.http(FALLBACK_FUNCTION, { methods: [...ALL_HTTP_METHODS], route: '{*path}', authLevel, handler: http() });
    registered.push({ name: FALLBACK_FUNCTION, trigger: 'http', target: '{*path}', methods: [...ALL_HTTP_METHODS] });
  }
  planner?.({ app, functions: registered, connection, blobSource: options.blobSource ?? 'LogsAndContainerScan' });
  return { functions: registered, runtime };
}

/** Container and prefix of every logical bucket bound to Blob Storage. */
function blobLocations(bindings: Readonly<Record<string, BucketBinding>>): Record<string, { container: string; prefix: string }> {
  const out: Record<string, { container: string; prefix: string }> = {};
  for (const [logical, binding] of Object.entries(bindings)) {
    if (binding instanceof AzureBlobBucket) out[logical] = { container: binding.container, prefix: binding.prefix };
    else if (typeof binding === 'string' && binding.startsWith('azblob:')) out[logical] = parseAzblobUrl(binding);
  }
  return out;
}

function containerUrls(locations: Record<string, { container: string; prefix: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [logical, { container, prefix }] of Object.entries(locations)) out[logical] = `azblob://${container}/${prefix}`;
  return out;
}

