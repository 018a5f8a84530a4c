import type { ProviderName } from '../context.js';
import { PolyfaasError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../events/http.js';
import { json } from '../events/http.js';
import type { StorageEvent } from '../events/storage.js';
import type { AnyFunction, AppDefinition, BucketBinding, Trigger } from '../function.js';
import { DEFAULT_MAX_BODY_BYTES } from '../function.js';
import type { Logger } from '../logger.js';
import { createLogger } from '../logger.js';
import type { Bucket } from '../storage/types.js';
import { openBucket } from '../storage/url.js';
import type { ErrorBody } from './errors.js';
import { errorResponse } from './errors.js';
import type { InvocationOptions } from './instance.js';
import { FunctionInstance } from './instance.js';
import { HttpRouter } from './router.js';
import { matchesStorageTrigger } from './storage-match.js';
import { WARMUP_HEADER } from './warmup.js';

/** Options for {@link AppRuntime.create}. */
export interface AppRuntimeOptions {
  provider: ProviderName;
  /** Invocations one instance runs at once (see `InitContext.concurrency`). Default `Infinity`. */
  concurrency?: number;
  log?: Logger;
  /** Replace bucket bindings (e.g. tests point `data` at a temp dir). */
  buckets?: Record<string, BucketBinding>;
  /** Decorate each opened bucket (runtimes use it to emit storage events). */
  wrapBucket?: (logicalName: string, bucket: Bucket) => Bucket;
}

/**
 * An app on one instance: its buckets opened, one {@link FunctionInstance} per
 * function, HTTP routing and error mapping. Adapters own the transport and
 * delivery; everything else lives here so it behaves the same everywhere.
 */
export class AppRuntime {
  readonly instances = new Map<string, FunctionInstance>();
  private readonly router = new HttpRouter<FunctionInstance>();

  private constructor(
    readonly app: AppDefinition,
    readonly provider: ProviderName,
    readonly log: Logger,
    private readonly buckets: Map<string, Bucket>,
    concurrency: number,
  ) {
    const bucket = (name: string): Bucket => this.bucket(name);
    for (const fn of app.functions) {
      const instance = new FunctionInstance(fn, { provider, bucket, log, concurrency });
      this.instances.set(fn.name, instance);
      const trigger = fn.trigger as Trigger;
      if (trigger.type === 'http') this.router.add(trigger, instance);
    }
  }

  /** Open the app's buckets and build its instances. */
  static async create(app: AppDefinition, options: AppRuntimeOptions): Promise<AppRuntime> {
    const log = options.log ?? createLogger({ fields: { app: app.name, provider: options.provider } });
    const bindings = { ...app.buckets, ...(options.buckets ?? {}) };
    const buckets = new Map<string, Bucket>();
    for (const [name, binding] of Object.entries(bindings)) {
      const opened = typeof binding === 'string' ? await openBucket(binding) : binding;
      buckets.set(name, options.wrapBucket ? options.wrapBucket(name, opened) : opened);
    }
    return new AppRuntime(app, options.provider, log, buckets, options.concurrency ?? Infinity);
  }

  /** A logical bucket by name; `InvalidArgument` if the app does not declare it. */
  bucket(name: string): Bucket {
    const found = this.buckets.get(name);
    if (!found) {
      throw new PolyfaasError('InvalidArgument', `Unknown bucket "${name}" (declared: ${[...this.buckets.keys()].join(', ') || 'none'})`);
    }
    return found;
  }

  /** The instance of a function by name; `NotFound` if absent. */
  instance(name: string): FunctionInstance {
    const found = this.instances.get(name);
    if (!found) throw new PolyfaasError('NotFound', `No function named "${name}"`);
    return found;
  }

  /** Run every function's `init` now rather than on first use (cuts first-request latency). */
  async initAll(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.ensureInit()));
  }

  /** Functions whose storage triggers match an event. */
  storageTargets(event: StorageEvent): FunctionInstance[] {
    return [...this.instances.values()].filter((i) => {
      const trigger = i.fn.trigger as Trigger;
      return trigger.type === 'storage' && matchesStorageTrigger(trigger, event);
    });
  }

  /**
   * Answer one HTTP request: route it, enforce the body limit, answer warm-up
   * pings without running the handler, and turn errors into JSON responses.
   * Never throws.
   */
  async handleHttp(request: HttpRequest, options: InvocationOptions = {}): Promise<HttpResponse> {
    const requestId = options.requestId ?? request.id;
    try {
      const match = this.router.match(request.method, request.path);
      if (match === 'not-found') throw new PolyfaasError('NotFound', `No route for ${request.method} ${request.path}`);
      if (match === 'method-not-allowed') {
        // No error code means 405; the body still has the neutral error shape.
        const body: ErrorBody = { error: { code: 'InvalidArgument', message: `Method ${request.method} not allowed on ${request.path}`, requestId } };
        return json(body, 405);
      }
      const instance = match.target;
      if (request.headers[WARMUP_HEADER] !== undefined) return json(await instance.warmup());
      const limit = instance.fn.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      if (request.body.byteLength > limit) {
        throw new PolyfaasError('PayloadTooLarge', `Body of ${request.body.byteLength} bytes exceeds the ${limit}-byte limit`);
      }
      const routed = Object.keys(match.params).length ? withParams(request, match.params) : request;
      const response = (await instance.invoke(routed, { ...options, requestId })) as HttpResponse;
      if (!response || typeof response.status !== 'number') {
        throw new PolyfaasError('Internal', `${instance.fn.name} returned something that is not an HttpResponse`);
      }
      return response;
    } catch (err) {
      return errorResponse(err, requestId, this.log.child({ requestId }));
    }
  }

  /** The largest body any HTTP function accepts, for transports that must stop reading early. */
  maxBodyBytesFor(method: string, path: string): number {
    const match = this.router.match(method, path);
    return typeof match === 'object' ? (match.target.fn.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : DEFAULT_MAX_BODY_BYTES;
  }

  /** All functions, for adapters that list or deploy them. */
  get functions(): readonly AnyFunction[] {
    return this.app.functions;
  }
}

function withParams(request: HttpRequest, params: Record<string, string>): HttpRequest {
  // Copy descriptors, not values: a lazily encoded body stays lazy.
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(request), params: { value: params, enumerable: true } }) as HttpRequest;
}
