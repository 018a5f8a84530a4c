import type { LambdaContextLike } from '../../adapters/aws/lambda/lambda-context.js';

/** A Lambda context as the runtime passes it: a request id and the time left until `timeoutMs`. */
export function fakeLambdaContext(options: { requestId?: string; timeoutMs?: number } = {}): LambdaContextLike & { callbackWaitsForEmptyEventLoop: boolean } {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  return {
    awsRequestId: options.requestId ?? crypto.randomUUID(),
    functionName: 'polyfaas-test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
