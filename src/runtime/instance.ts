import type { AuthInfo } from '../auth/types.js';
import type { Context, InitContext, ProviderName } from '../context.js';
import { PolyfaasError } from '../errors.js';
import type { AnyFunction } from '../function.js';
import { DEFAULT_TIMEOUT_MS } from '../function.js';
import type { Logger } from '../logger.js';
import type { KeyValueStore } from '../kv/types.js';
import type { IdempotencyInfo } from '../idempotency/types.js';
import { runIdempotently } from '../idempotency/run.js';
import type { Bucket } from '../storage/types.js';
import type { InvocationObserver } from './invocation-observer.js';

/** What an adapter tells an instance about its environment. */
export interface InstanceOptions {
  provider: ProviderName;
  /** Invocations one instance runs at once (see {@link InitContext.concurrency}). Default `Infinity`. */
  concurrency?: number;
  /** Resolve a logical bucket name; throw `InvalidArgument` for unknown names. */
  bucket: (name: string) => Bucket;
  /** Resolve a logical key-value store name. Default: every name is unknown (`Internal`). */
  kv?: (name: string) => KeyValueStore;
  log: Logger;
  /** Records every invocation (see {@link InvocationObserver}); absent, nothing is recorded. */
  observer?: InvocationObserver;
}

/** Per-invocation facts the adapter knows (from the provider, or made up locally). */
export interface InvocationOptions {
  requestId?: string;
  /** Epoch ms the platform kills the invocation. The handler's deadline is the earlier of this and now + the function's `timeoutMs`. */
  deadline?: number;
  /** Delivery attempt, 1-based. */
  attempt?: number;
  /** The caller the runtime authenticated (see `ctx.auth`). */
  auth?: AuthInfo;
}

/** The result of a warm-up ping. */
export interface WarmupResult {
  warm: true;
  function: string;
  /** True if this ping paid for `init` (the instance was cold). */
  initialized: boolean;
}

/**
 * One function on one instance: runs `init` once, tracks cold/warm, enforces
 * the deadline and hands handlers their {@link Context}. Every adapter
 * delegates here so lifecycle behaviour is identical on every platform.
 */
export class FunctionInstance {
  private initPromise: Promise<unknown> | undefined;
  private initDone = false;
  private state: unknown;
  private served = false;
  private initMsTaken: number | undefined;
  private readonly initContext: InitContext;
  private readonly log: Logger;

  constructor(
    readonly fn: AnyFunction,
    private readonly options: InstanceOptions,
  ) {
    this.log = options.log.child({ fn: fn.name });
    this.initContext = {
      provider: options.provider,
      concurrency: options.concurrency ?? Infinity,
      functionName: fn.name,
      log: this.log,
      bucket: options.bucket,
      kv: options.kv ?? noStores,
    };
  }

  /** True once `init` has completed successfully. */
  get initialized(): boolean {
    return this.initDone;
  }

  /** Whether `init` has not run (`cold`), is running, or completed (`warm`). */
  get initState(): 'cold' | 'initializing' | 'warm' {
    return this.initDone ? 'warm' : this.initPromise ? 'initializing' : 'cold';
  }

  /** How long the successful `init` took, in ms; undefined while cold. */
  get initMs(): number | undefined {
    return this.initMsTaken;
  }

  /** Run `init` if it has not run yet; concurrent callers share one run, a failure is retried next time. */
  ensureInit(): Promise<unknown> {
    if (!this.initPromise) {
      const started = Date.now();
      this.initPromise = Promise.resolve()
        .then(() => this.fn.init?.(this.initContext))
        .then(
          (state) => {
            this.state = state;
            this.initDone = true;
            this.initMsTaken = Date.now() - started;
            if (this.fn.init) this.log.info('init done', { ms: this.initMsTaken });
            return state;
          },
          (err: unknown) => {
            this.initPromise = undefined;
            this.log.error('init failed', { err });
            throw err;
          },
        );
    }
    return this.initPromise;
  }

  /** Answer a warm-up ping: make sure `init` ran, never call the handler. */
  async warmup(): Promise<WarmupResult> {
    const wasInitialized = this.initialized;
    await this.ensureInit();
    return { warm: true, function: this.fn.name, initialized: !wasInitialized };
  }

  /**
   * Run the handler for one event. Rejects with `DeadlineExceeded` when the
   * deadline passes first; the handler's `ctx.signal` aborts at the same moment.
   */
  async invoke(event: unknown, options: InvocationOptions = {}): Promise<unknown> {
    // Warm path without an extra await: a request costs tens of microseconds here, not one more turn.
    const state = this.initDone ? this.state : await this.initBefore(event, options);
    const coldStart = !this.served;
    this.served = true;
    const own = Date.now() + (this.fn.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const deadline = options.deadline === undefined ? own : Math.min(own, options.deadline);
    const ctx = new InvocationContext(this.initContext, options.requestId ?? crypto.randomUUID(), deadline, coldStart, state, options.attempt ?? 1, options.auth);
    const observer = this.options.observer;
    const slot = observer?.begin(this.fn, ctx.requestId, ctx.attempt, coldStart);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new PolyfaasError('DeadlineExceeded', `${this.fn.name} did not finish before its deadline`);
        ctx.abort(err);
        reject(err);
      }, Math.max(0, deadline - Date.now()));
    });
    if (!slot) {
      try {
        return await Promise.race([this.run(event, ctx), expired]);
      } finally {
        clearTimeout(timer);
      }
    }
    try {
      const result = await Promise.race([this.run(event, ctx), expired]);
      observer?.end(slot, event, result);
      return result;
    } catch (err) {
      // `?? null`: a handler that throws `undefined` still counts as failed.
      observer?.end(slot, event, undefined, err ?? null);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** {@link ensureInit} for an invocation: a failed init is that invocation's failure, and observed as one. */
  private async initBefore(event: unknown, options: InvocationOptions): Promise<unknown> {
    try {
      return await this.ensureInit();
    } catch (err) {
      const observer = this.options.observer;
      if (observer) observer.end(observer.begin(this.fn, options.requestId ?? crypto.randomUUID(), options.attempt ?? 1, true), event, undefined, err ?? null);
      throw err;
    }
  }

  private async run(event: unknown, ctx: InvocationContext): Promise<unknown> {
    const idempotency = this.fn.idempotency;
    if (!idempotency) return this.fn.handler(event as never, ctx as never);
    return runIdempotently(this.fn.name, idempotency as IdempotencyOptionsAny, event, ctx, (info) => {
      if (info.key) ctx.idempotency = info;
      return this.fn.handler(event as never, ctx as never);
    });
  }
}

type IdempotencyOptionsAny = Parameters<typeof runIdempotently>[1];

function noStores(name: string): KeyValueStore {
  throw new PolyfaasError('Internal', `Unknown key-value store "${String(name).slice(0, 100)}" (declared: none)`);
}

/**
 * The {@link Context} of one invocation. The logger child and the
 * AbortController are made on first use: most requests touch neither, and
 * together they were a measurable part of a sub-millisecond prediction.
 * Handlers destructure contexts (`async (event, { bucket, log }) => …`), so
 * every member works without `this`: functions are own properties and the
 * lazy parts are getters.
 */
class InvocationContext implements Context<unknown> {
  readonly provider: ProviderName;
  readonly concurrency: number;
  readonly functionName: string;
  readonly bucket: (name: string) => Bucket;
  readonly kv: (name: string) => KeyValueStore;
  readonly remainingMs = (): number => Math.max(0, this.deadline - Date.now());
  private readonly parent: InitContext;
  private logger: Logger | undefined;
  private controller: AbortController | undefined;
  private abortReason: unknown;
  /** Set by the idempotency guard before the handler runs. */
  idempotency?: IdempotencyInfo;

  constructor(
    parent: InitContext,
    readonly requestId: string,
    readonly deadline: number,
    readonly coldStart: boolean,
    readonly state: unknown,
    readonly attempt: number,
    readonly auth: AuthInfo | undefined,
  ) {
    this.parent = parent;
    this.provider = parent.provider;
    this.concurrency = parent.concurrency;
    this.functionName = parent.functionName;
    this.bucket = parent.bucket;
    this.kv = parent.kv;
  }

  get log(): Logger {
    this.logger ??= this.parent.log.child({ requestId: this.requestId });
    return this.logger;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Abort the signal, now or (if nobody asked for it yet) when it is first read. */
  abort(reason: unknown): void {
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}
