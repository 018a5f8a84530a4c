import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './rate-limit.js';

describe('TokenBucketLimiter', () => {
  it('allows the burst, then refills at perMinute and says when the next token is due', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perMinute: 60, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSec: 1 });
    now += 999;
    expect(limiter.take('k').allowed).toBe(false);
    now += 1;
    expect(limiter.take('k').allowed).toBe(true);
    // Another client has its own bucket.
    expect(limiter.take('other').allowed).toBe(true);
  });

  it('rounds Retry-After up for slow rates', () => {
    const limiter = new TokenBucketLimiter({ perMinute: 2, burst: 1 }, () => 0);
    limiter.take('k');
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSec: 30 });
  });

  it('keeps memory bounded: beyond maxClients the least recently seen client is forgotten', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perMinute: 1, burst: 1, maxClients: 3 }, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`client-${i}`);
    expect(limiter.size).toBe(3);
    // Recently seen clients keep their (empty) buckets.
    expect(limiter.take('client-999').allowed).toBe(false);
    now += 60_000;
    expect(limiter.take('client-999').allowed).toBe(true);
  });
});
