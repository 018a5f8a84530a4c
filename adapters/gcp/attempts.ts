/**
 * Counts deliveries of each CloudEvent id on this instance. Cloud Functions
 * does not tell a function which attempt it is running, but a retried event
 * keeps its id, so the count is the attempt number as far as this instance
 * has seen it (an instance that starts mid-retry begins again at 1).
 */
export class AttemptCounter {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Record one delivery of `id`; returns its 1-based attempt number. */
  next(id: string): number {
    const attempt = (this.seen.get(id) ?? 0) + 1;
    this.seen.delete(id);
    this.seen.set(id, attempt);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return attempt;
  }
}
