import type { Context, InitContext, ProviderName } from '../context.js';
import { PolyfaasError } from '../errors.js';
import type { AnyFunction } from '../function.js';
import { DEFAULT_TIMEOUT_MS } from '../function.js';
import type { Logger } from '../logger.js';
import type { Bucket } from '../storage/types.js';

/** What an adapter tells an instance about its environment. */
export interface InstanceOptions {
  provider: ProviderName;
  /** Resolve a logical bucket name; throw `InvalidArgument` for unknown names. */
  bucket: (name: string) => Bucket;
  log: Logger;
}

/** Per-invocation facts the adapter knows (from the provider, or made up locally). */
export interface InvocationOptions {
  requestId?: string;
  /** Epoch ms the platform kills the invocation; default now + the function's timeout. */
  deadline?: number;
  /** Delivery attempt, 1-based. */
  attempt?: number;
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
  private served = false;
  private readonly initContext: InitContext;
  private readonly log: Logger;

  constructor(
    readonly fn: AnyFunction,
    private readonly options: InstanceOptions,
  ) {
    this.log = options.log.child({ fn: fn.name });
    this.initContext = {
      provider: options.provider,
      functionName: fn.name,
      log: this.log,
      bucket: options.bucket,
    };
  }

  /** True once `init` has completed successfully. */
  get initialized(): boolean {
    return this.initDone;
  }

  /** Run `init` if it has not run yet; concurrent callers share one run, a failure is retried next time. */
  ensureInit(): Promise<unknown> {
    if (!this.initPromise) {
      const started = Date.now();
      this.initPromise = Promise.resolve()
        .then(() => this.fn.init?.(this.initContext))
        .then(
          (state) => {
            this.initDone = true;
            if (this.fn.init) this.log.info('init done', { ms: Date.now() - started });
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
    const state = await this.ensureInit();
    const coldStart = !this.served;
    this.served = true;
    const requestId = options.requestId ?? crypto.randomUUID();
    const deadline = options.deadline ?? Date.now() + (this.fn.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const controller = new AbortController();
    const log = this.log.child({ requestId });
    const ctx: Context<unknown> = {
      ...this.initContext,
      log,
      requestId,
      deadline,
      remainingMs: () => Math.max(0, deadline - Date.now()),
      signal: controller.signal,
      coldStart,
      state,
      attempt: options.attempt ?? 1,
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new PolyfaasError('DeadlineExceeded', `${this.fn.name} did not finish before its deadline`);
        controller.abort(err);
        reject(err);
      }, Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([Promise.resolve().then(() => this.fn.handler(event as never, ctx as never)), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
