import { HttpGuard } from '../auth/guard.js';
import type { JwtVerifier } from '../auth/jwt.js';
import { effectiveAuth } from '../auth/policy.js';
import type { JwtOptions, PlatformPrincipal } from '../auth/types.js';
import type { ProviderName } from '../context.js';
import { PolyfaasError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../events/http.js';
import { json } from '../events/http.js';
import type { MessageEvent } from '../events/message.js';
import type { StorageEvent } from '../events/storage.js';
import type { AnyFunction, AppDefinition, BucketBinding, HttpTrigger, StoreBinding, Trigger } from '../function.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS } from '../function.js';
import type { Logger } from '../logger.js';
import { createLogger } from '../logger.js';
import type { KeyValueStore } from '../kv/types.js';
import { openKeyValueStore } from '../kv/url.js';
import type { Bucket } from '../storage/types.js';
import { openBucket } from '../storage/url.js';
import { encryptedBucket } from '../crypto/encrypted-bucket.js';
import { AttemptCounter } from './attempts.js';
import { storeBindingsFromEnv } from './bindings.js';
import { asDelivered, checkedDirectEvent, checkEventKey, describeEvent, isWarmupBody } from './event-checks.js';
import type { DeliveryFacts, EventInput, EventOutcome, NeutralEvent } from './event-input.js';
import { describeValue, isDirectInvocation, neutralKind } from './event-input.js';
import { rejectedEvent } from './event-failure.js';
import { selectTargets } from './event-targets.js';
import type { ErrorBody } from './errors.js';
import { errorResponse } from './errors.js';
import type { InvocationOptions } from './instance.js';
import { FunctionInstance } from './instance.js';
import type { InvocationObserver } from './invocation-observer.js';
import { HttpRouter } from './router.js';
import { isWarmupEvent, isWarmupRequest, WARMUP_TOKEN_ENV } from './warmup.js';

/** Options for {@link AppRuntime.create}. */
export interface AppRuntimeOptions {
  provider: ProviderName;
  /** Invocations one instance runs at once (see `InitContext.concurrency`). Default `Infinity`. */
  concurrency?: number;
  log?: Logger;
  /** Replace bucket bindings (e.g. tests point `data` at a temp dir). */
  buckets?: Record<string, BucketBinding>;
  /** Replace key-value store bindings (e.g. tests point `sessions` at memory); wins over `POLYFAAS_STORE_<NAME>`. */
  stores?: Record<string, StoreBinding>;
  /** Decorate each opened bucket (runtimes use it to emit storage events). */
  wrapBucket?: (logicalName: string, bucket: Bucket) => Bucket;
  /**
   * The token an HTTP warm-up ping must carry in `x-polyfaas-warmup` to be
   * answered without the handler. Default: `POLYFAAS_WARMUP_TOKEN`; with
   * neither, the header is ignored and such requests are ordinary ones.
   */
  warmupToken?: string;
  /** Where `auth.apiKeys` reads keys from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Records every invocation for people watching (the local console); see {@link InvocationObserver}. */
  observer?: InvocationObserver;
}

/**
 * The function a platform already routed an HTTP request to (Azure's route
 * table, a Cloud Function's own URL, a per-function Lambda), so the runtime
 * does not route it a second time.
 */
export interface HttpTarget {
  /** The polyfaas function's name. */
  readonly function: string;
  /**
   * Path parameters the platform captured; the platform has then matched path
   * and method. Without them the runtime matches the path against this one
   * function's own route only (the bare function URL `/` reaches a route
   * without parameters), answering 404/405 when it does not fit.
   */
  readonly params?: Readonly<Record<string, string>>;
}

/** Options of {@link AppRuntime.handleHttp}. */
export interface HandleHttpOptions extends InvocationOptions {
  /** Set when the platform already chose the function; otherwise the app's router picks it. */
  readonly target?: HttpTarget;
  /**
   * The caller as the platform authenticated it, read by the adapter from the
   * platform's own channel (API Gateway's `requestContext.authorizer`, App
   * Service's principal headers). Used only if the function's `auth.platform` trusts that provider.
   */
  readonly identity?: PlatformPrincipal;
}

/**
 * An app on one instance: its buckets opened, one {@link FunctionInstance} per
 * function, HTTP routing and error mapping. Adapters own the transport and
 * delivery; everything else lives here so it behaves the same everywhere.
 */
export class AppRuntime {
  readonly instances = new Map<string, FunctionInstance>();
  private readonly router = new HttpRouter<FunctionInstance>();
  private readonly attempts = new AttemptCounter();
  /** Each HTTP function's own route, for requests a platform already routed to it. */
  private readonly ownRoutes = new Map<string, HttpRouter<FunctionInstance>>();
  /** See {@link AppRuntimeOptions.warmupToken}. */
  private readonly warmupToken: string | undefined;
  /** The access check of each HTTP function that has `auth`. */
  private readonly guards = new Map<string, HttpGuard>();

  private constructor(
    readonly app: AppDefinition,
    readonly provider: ProviderName,
    readonly log: Logger,
    private readonly buckets: Map<string, Bucket>,
    concurrency: number,
    warmupToken: string | undefined,
    env: Readonly<Record<string, string | undefined>>,
    private readonly stores: Map<string, KeyValueStore>,
    observer: InvocationObserver | undefined,
  ) {
    this.warmupToken = warmupToken || undefined;
    const verifiers = new Map<JwtOptions, JwtVerifier>();
    const bucket = (name: string): Bucket => this.bucket(name);
    const kv = (name: string): KeyValueStore => this.kv(name);
    for (const fn of app.functions) {
      const instance = new FunctionInstance(fn, { provider, bucket, kv, log, concurrency, ...(observer ? { observer } : {}) });
      this.instances.set(fn.name, instance);
      const trigger = fn.trigger as Trigger;
      if (trigger.type === 'http') {
        this.router.add(trigger, instance);
        const own = new HttpRouter<FunctionInstance>();
        own.add(trigger, instance);
        this.ownRoutes.set(fn.name, own);
        const auth = effectiveAuth(app.auth, fn.auth);
        if (auth) this.guards.set(fn.name, new HttpGuard(auth, { env, log, realm: app.name, verifiers }, fn.name));
      }
    }
  }

  /** Open the app's buckets and build its instances. */
  static async create(app: AppDefinition, options: AppRuntimeOptions): Promise<AppRuntime> {
    const log = options.log ?? createLogger({ fields: { app: app.name, provider: options.provider } });
    const bindings = { ...app.buckets, ...(options.buckets ?? {}) };
    const buckets = new Map<string, Bucket>();
    for (const [name, binding] of Object.entries(bindings)) {
      const resolved = typeof binding === 'string' ? await openBucket(binding) : binding;
      const keys = app.encryption?.[name];
      const opened = keys ? encryptedBucket(resolved, keys) : resolved;
      buckets.set(name, options.wrapBucket ? options.wrapBucket(name, opened) : opened);
    }
    const stores = new Map<string, KeyValueStore>();
    for (const [name, binding] of Object.entries({ ...(app.stores ?? {}), ...storeBindingsFromEnv(app, options.env ?? process.env), ...(options.stores ?? {}) })) {
      stores.set(name, typeof binding === 'string' ? await openKeyValueStore(binding) : binding);
    }
    const warmupToken = options.warmupToken ?? process.env[WARMUP_TOKEN_ENV];
    return new AppRuntime(app, options.provider, log, buckets, options.concurrency ?? Infinity, warmupToken, options.env ?? process.env, stores, options.observer);
  }

  /**
   * A logical bucket by name. An undeclared name is a bug in the app, not in
   * the request: `Internal` (500), with the names the app does declare in the log.
   */
  bucket(name: string): Bucket {
    const found = this.buckets.get(name);
    if (!found) {
      const declared = [...this.buckets.keys()].join(', ') || 'none';
      this.log.error('misconfiguration: unknown bucket', { bucket: String(name).slice(0, 100), declared });
      throw new PolyfaasError('Internal', `Unknown bucket "${String(name).slice(0, 100)}" (declared: ${declared})`);
    }
    return found;
  }

  /** A logical key-value store by name; an undeclared name is `Internal`, like {@link bucket}. */
  kv(name: string): KeyValueStore {
    const found = this.stores.get(name);
    if (!found) {
      const declared = [...this.stores.keys()].join(', ') || 'none';
      this.log.error('misconfiguration: unknown key-value store', { store: String(name).slice(0, 100), declared });
      throw new PolyfaasError('Internal', `Unknown key-value store "${String(name).slice(0, 100)}" (declared: ${declared})`);
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

  /**
   * The names of the functions an event goes to (see {@link handleEvent}), for
   * runtimes that deliver and retry each target on its own. Throws the
   * not-retried failure an unroutable event gets.
   */
  eventTargets(input: EventInput, facts: Pick<DeliveryFacts, 'function' | 'rules'> = {}): string[] {
    if (isWarmupEvent(input)) return facts.function ? [this.instance(facts.function).fn.name] : [...this.instances.keys()];
    if (isDirectInvocation(input)) return [this.instance(input.function).fn.name];
    // Keys are checked on delivery, so a runtime can dead-letter the event rather than lose it here.
    return this.targetsOf(input, facts, undefined, false).map((i) => i.fn.name);
  }

  /**
   * The one entry point for every non-HTTP event: storage, queue message,
   * schedule, warm-up ping and direct invocation. Adapters translate the
   * provider's shape into `input` and pass what the platform said in `facts`;
   * everything else happens here, the same on every platform:
   * - target selection (storage filters, queue names, schedule rules, `facts.function`);
   * - checks: storage keys obey the bucket key rules, a direct invocation carries the
   *   event kind its function expects; failing either is a not-retried coded failure;
   * - warm-up: the {@link WARMUP_EVENT} marker, or a message whose body is it, runs `init` only;
   * - attempts: the platform's number, else counted per delivery key; a message's
   *   `deliveryCount` always equals `ctx.attempt`;
   * - deadline: received + the function's `timeoutMs`, capped by the platform's maximum and deadline.
   *
   * Resolves when every target succeeded (or nothing wanted the event); rejects
   * with the first failure otherwise (other targets still run). Failures that a
   * retry cannot fix are marked, see {@link isRetried}.
   */
  async handleEvent(input: EventInput, facts: DeliveryFacts = {}): Promise<EventOutcome> {
    const scope = facts.function === undefined ? undefined : this.instanceFor(facts.function);
    if (isWarmupEvent(input) || (neutralKind(input) === 'queue' && isWarmupBody(input as MessageEvent))) {
      const targets = scope ? [scope] : [...this.instances.values()];
      return { status: 'warmed', results: await Promise.all(targets.map((i) => i.warmup())) };
    }
    let targets: FunctionInstance[];
    let event: unknown;
    if (isDirectInvocation(input)) {
      const target = this.instanceFor(input.function);
      if (scope && scope !== target) throw rejectedEvent('NotFound', `This deployment runs ${scope.fn.name}, not ${input.function}`);
      event = checkedDirectEvent(target.fn, input.event);
      targets = [target];
    } else {
      event = input;
      targets = this.targetsOf(input, facts, scope);
    }
    if (targets.length === 0) return { status: 'skipped', reason: `no function's trigger matches ${describeEvent(event)}` };
    const received = facts.received ?? Date.now();
    const settled = await Promise.allSettled(targets.map((t) => this.runTarget(t, event, facts, received)));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      status: 'handled',
      results: settled.map((r, i) => ({ function: (targets[i] as FunctionInstance).fn.name, value: (r as PromiseFulfilledResult<unknown>).value })),
    };
  }

  private targetsOf(input: EventInput, facts: Pick<DeliveryFacts, 'function' | 'rules'>, scope?: FunctionInstance, checkKey = true): FunctionInstance[] {
    const kind = neutralKind(input);
    if (kind !== 'storage' && kind !== 'queue' && kind !== 'schedule') {
      throw rejectedEvent('InvalidArgument', `Not an event polyfaas can deliver: ${describeValue(input)}`);
    }
    if (kind === 'storage' && checkKey) checkEventKey(input as StorageEvent);
    const scoped = scope ?? (facts.function === undefined ? undefined : this.instanceFor(facts.function));
    return selectTargets([...this.instances.values()], input as NeutralEvent, kind, scoped, facts.rules);
  }

  private async runTarget(target: FunctionInstance, event: unknown, facts: DeliveryFacts, received: number): Promise<unknown> {
    const key = `${target.fn.name}\n${facts.deliveryKey ?? ''}\n${String((event as { id?: unknown }).id ?? facts.requestId ?? '')}`;
    const attempt = facts.attempt ?? this.attempts.next(key);
    const delivered = asDelivered(target.fn, event, attempt);
    const own = received + Math.min(target.fn.timeoutMs ?? DEFAULT_TIMEOUT_MS, facts.maxTimeoutMs ?? Infinity);
    const deadline = Math.min(own, facts.deadline ?? Infinity);
    return target.invoke(delivered, { attempt, deadline, ...(facts.requestId ? { requestId: facts.requestId } : {}) });
  }

  /** {@link instance} for event delivery: an unknown name is a not-retried failure. */
  private instanceFor(name: string): FunctionInstance {
    const found = this.instances.get(name);
    if (!found) throw rejectedEvent('NotFound', `No function named "${String(name).slice(0, 100)}" (has: ${[...this.instances.keys()].join(', ')})`);
    return found;
  }

  /**
   * Answer one HTTP request: route it (unless `options.target` says the
   * platform already did), answer warm-up pings that carry the configured
   * token without running the handler, check the caller against the
   * function's `auth` (401/403/429), enforce the body limit, and turn errors
   * into JSON responses. Never throws.
   *
   * A warm-up ping with the right token is answered before auth: the token is
   * itself a secret compared in constant time, and a ping only runs `init`,
   * never the handler, so it reaches nothing auth protects.
   */
  async handleHttp(request: HttpRequest, options: HandleHttpOptions = {}): Promise<HttpResponse> {
    const { target, identity, ...invocation } = options;
    const requestId = invocation.requestId ?? request.id;
    try {
      const match = this.routeHttp(request, target);
      if (match === 'not-found') throw new PolyfaasError('NotFound', `No route for ${request.method} ${request.path}`);
      if (match === 'method-not-allowed') {
        // No error code means 405; the body still has the neutral error shape.
        const body: ErrorBody = { error: { code: 'InvalidArgument', message: `Method ${request.method} not allowed on ${request.path}`, requestId } };
        return json(body, 405);
      }
      const instance = match.target;
      if (isWarmupRequest(request.headers, this.warmupToken)) return json(await instance.warmup());
      const guard = this.guards.get(instance.fn.name);
      if (guard) {
        const outcome = await guard.check(request, identity, requestId, this.log.child({ requestId, fn: instance.fn.name }));
        if (!outcome.allowed) return outcome.response;
        if (outcome.auth) invocation.auth = outcome.auth;
      }
      const limit = instance.fn.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      if (request.body.byteLength > limit) {
        throw new PolyfaasError('PayloadTooLarge', `Body of ${request.body.byteLength} bytes exceeds the ${limit}-byte limit`);
      }
      const routed = Object.keys(match.params).length ? withParams(request, match.params) : request;
      const response = (await instance.invoke(routed, { ...invocation, requestId })) as HttpResponse;
      if (!response || typeof response.status !== 'number') {
        throw new PolyfaasError('Internal', `${instance.fn.name} returned something that is not an HttpResponse`);
      }
      return response;
    } catch (err) {
      return errorResponse(err, requestId, this.log.child({ requestId }));
    }
  }

  /** The app's router, or only the target function's own route when the platform already chose it. */
  private routeHttp(request: HttpRequest, target: HttpTarget | undefined): ReturnType<HttpRouter<FunctionInstance>['match']> {
    if (!target) return this.router.match(request.method, request.path);
    const own = this.ownRoutes.get(target.function);
    if (!own) {
      // An HTTP event reached a deployment of a non-HTTP function: to the caller there is simply no route here.
      this.log.warn('misconfiguration: HTTP request for a function that is not HTTP-triggered', { fn: target.function });
      throw new PolyfaasError('NotFound', `No route for ${request.method} ${request.path}`);
    }
    if (target.params) return { target: this.instance(target.function), params: { ...target.params } };
    const match = own.match(request.method, request.path);
    if (match !== 'not-found' || request.path !== '/') return match;
    // The bare function URL (`/`) reaches a route that needs no parameters; the request keeps its path.
    const route = (this.instance(target.function).fn.trigger as HttpTrigger).path;
    return route.includes(':') ? match : own.match(request.method, route);
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
