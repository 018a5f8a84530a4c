/**
 * Counts deliveries of each event on this instance, for platforms that do not
 * say which attempt they are running (Lambda async invocations, Eventarc, blob
 * and Event Grid triggers). A redelivery keeps its key (request id, event id),
 * so the count is the attempt number as far as this instance has seen it; an
 * instance that starts mid-retry begins again at 1, which only makes
 * `ctx.attempt` conservative. A duplicate delivery after a success counts
 * too (`ctx.attempt` is "higher on retries and redeliveries"). Bounded: the
 * oldest keys are forgotten first.
 */
export class AttemptCounter {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Record one more delivery of `key`; returns its 1-based attempt number. */
  next(key: string): number {
    const attempt = (this.seen.get(key) ?? 0) + 1;
    this.seen.delete(key);
    this.seen.set(key, attempt);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return attempt;
  }
}
