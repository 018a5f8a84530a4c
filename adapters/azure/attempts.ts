/**
 * Counts failed deliveries per event on this instance, for triggers whose
 * metadata carries no attempt number (blob and Event Grid triggers). Retries
 * usually land on the same worker, so the count is right in practice; after a
 * scale-out it restarts at 1, which only makes `ctx.attempt` conservative.
 */
export class AttemptTracker {
  private readonly failures = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** The attempt number of the next delivery of `id` (1-based). */
  next(id: string): number {
    return (this.failures.get(id) ?? 0) + 1;
  }

  failed(id: string): void {
    if (this.failures.size >= this.capacity) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(id, (this.failures.get(id) ?? 0) + 1);
  }

  succeeded(id: string): void {
    this.failures.delete(id);
  }
}
