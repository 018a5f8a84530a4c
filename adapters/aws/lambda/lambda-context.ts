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
