import type { AuthInfo } from './auth/types.js';
import type { Logger } from './logger.js';
import type { KeyValueStore } from './kv/types.js';
import type { IdempotencyInfo } from './idempotency/types.js';
import type { Bucket } from './storage/types.js';

/** Which platform is running the function. */
export type ProviderName = 'memory' | 'local' | 'aws' | 'gcp' | 'azure' | (string & {});

/** What `init` receives: the instance-level parts of {@link Context}. */
export interface InitContext {
  readonly provider: ProviderName;
  readonly functionName: string;
  readonly log: Logger;
  /**
   * How many invocations this instance may run at the same time: 1 on AWS
   * Lambda (an execution environment takes one event at a time), `Infinity`
   * where the platform interleaves requests in one process (local server,
   * memory runtime, Azure, GCP with concurrency). Lets a function skip work
   * that only pays off with company, such as waiting to batch requests.
   */
  readonly concurrency: number;
  /** Reach one of the app's buckets by logical name. */
  bucket(name: string): Bucket;
  /** Reach one of the app's key-value stores (`defineApp({ stores })`) by logical name. */
  kv(name: string): KeyValueStore;
}

/**
 * What every handler receives besides its event.
 *
 * @example
 * ```ts
 * handler: async (event, ctx) => {
 *   ctx.log.info('got object', { key: event.key, cold: ctx.coldStart });
 *   const bytes = await ctx.bucket('data').get(event.key);
 *   if (ctx.remainingMs() < 5_000) return checkpointAndStop();
 * }
 * ```
 */
export interface Context<S = unknown> extends InitContext {
  /** Unique per invocation (the provider's request id where there is one). */
  readonly requestId: string;
  /** Epoch milliseconds at which the platform stops this invocation. */
  readonly deadline: number;
  /** Milliseconds left before {@link deadline}. */
  remainingMs(): number;
  /** Aborts when the deadline passes; pass it to fetch, streams and training loops. */
  readonly signal: AbortSignal;
  /** True for the first invocation an instance serves. */
  readonly coldStart: boolean;
  /** The value `init` returned (undefined without `init`). */
  readonly state: S;
  /** 1 on first delivery of an event, higher on retries and redeliveries. */
  readonly attempt: number;
  /** The authenticated caller of an HTTP function with `auth`; undefined otherwise. */
  readonly auth: AuthInfo | undefined;
  /** The invocation's idempotency key and fencing token, in a function with `idempotency`. */
  readonly idempotency?: IdempotencyInfo;
}
