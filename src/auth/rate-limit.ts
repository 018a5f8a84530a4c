import { PolyfaasError } from '../errors.js';
import type { RateLimitOptions } from './types.js';

const DEFAULT_MAX_CLIENTS = 10_000;

/** Checks a `rateLimit` option; throws `InvalidArgument`. */
export function validateRateLimit(options: RateLimitOptions, where: string): void {
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!positive(options.perMinute)) throw new PolyfaasError('InvalidArgument', `${where}: rateLimit.perMinute must be a positive number`);
  if (options.burst !== undefined && !(positive(options.burst) && options.burst >= 1)) throw new PolyfaasError('InvalidArgument', `${where}: rateLimit.burst must be ≥ 1`);
  if (options.maxClients !== undefined && !(Number.isInteger(options.maxClients) && options.maxClients > 0)) {
    throw new PolyfaasError('InvalidArgument', `${where}: rateLimit.maxClients must be a positive integer`);
  }
}

/** What {@link TokenBucketLimiter.take} decided. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSec: number };

/**
 * One token bucket per client, in this instance's memory. Memory is bounded:
 * beyond `maxClients` the least recently seen client is forgotten, which can
 * only hand that client a fresh (full) bucket, never lock anyone out.
 */
export class TokenBucketLimiter {
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxClients: number;
  /** Insertion order is recency order: a client seen again is moved to the end. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.capacity = options.burst ?? options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  /** Clients currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  /** Spend one token of `client`'s bucket, or say how many seconds until one is back. */
  take(client: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.capacity, at: now };
    this.buckets.delete(client);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }
}
