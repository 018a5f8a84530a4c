/**
 * The parts of the Lambda `context` object polyfaas uses. The real object
 * (`@types/aws-lambda` `Context`) satisfies it; tests can pass a small fake.
 */
export interface LambdaContextLike {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
  readonly functionName?: string;
  /** Lambda waits for the event loop to empty by default; polyfaas turns that off (timers of warm instances). */
  callbackWaitsForEmptyEventLoop?: boolean;
}

/** Epoch ms at which Lambda stops this invocation, if the context says. */
export function platformDeadline(context: LambdaContextLike | undefined): number | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' && Number.isFinite(remaining) && remaining > 0 ? Date.now() + remaining : undefined;
}

/**
 * Counts deliveries per request id. Lambda retries a failed asynchronous
 * invocation (S3, SNS, EventBridge) with the same `awsRequestId`, usually on
 * the same warm container, so this is how `ctx.attempt` learns it is a retry.
 * Bounded: the oldest ids are forgotten first.
 */
export class AttemptTracker {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 1000) {}

  /** Record one more delivery of `requestId` and return its 1-based attempt number. */
  next(requestId: string): number {
    const attempt = (this.seen.get(requestId) ?? 0) + 1;
    this.seen.delete(requestId);
    this.seen.set(requestId, attempt);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return attempt;
  }
}
