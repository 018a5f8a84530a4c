import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Invoker } from '../../../src/index.js';
import { PolyfaasError } from '../../../src/index.js';
import { classifyRemoteError, toPolyfaasError } from '../../../src/adapter.js';
import type { InvokeEnvelope } from './direct-invoke.js';

/** Options of {@link lambdaInvoker}. */
export interface LambdaInvokerOptions {
  readonly client: LambdaClient;
  /** The Lambda that runs a polyfaas function; default the function's name (a bundle's names are `<service>-<stage>-<fn>`). */
  readonly functionName?: (fn: string) => string;
}

/**
 * An {@link Invoker} over Lambda's synchronous `Invoke` API: each task is a
 * direct-invocation envelope (`{ polyfaas: 'invoke', function, payload }`),
 * which `toLambda` turns into the queue message the map function expects.
 * The reply carries the item's result or coded failure; a Lambda-level error
 * (timeout, crash, throttling) is a retryable `Unavailable`/`ResourceExhausted`.
 *
 * @example
 * ```ts
 * const invoker = lambdaInvoker({ client: new LambdaClient({}), functionName: (fn) => `myapp-prod-${fn}` });
 * await map('resize', keys, { invoker, bucket, concurrency: 500 });
 * ```
 */
export function lambdaInvoker(options: LambdaInvokerOptions): Invoker {
  const name = options.functionName ?? ((fn: string) => fn);
  return {
    mode: 'reply',
    async invoke(fn, task, { signal }) {
      const envelope: InvokeEnvelope = { polyfaas: 'invoke', function: fn, payload: task };
      // Loaded on first use, so a Lambda bundle that never fans out does not carry the Lambda client.
      const { InvokeCommand } = await import('@aws-sdk/client-lambda');
      let out;
      try {
        out = await options.client.send(new InvokeCommand({ FunctionName: name(fn), Payload: new TextEncoder().encode(JSON.stringify(envelope)) }), { abortSignal: signal });
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        throw toPolyfaasError(err, `Invoking ${name(fn)} failed`, (e: unknown) => classifyRemoteError(e, status));
      }
      const text = new TextDecoder().decode(out.Payload ?? new Uint8Array());
      // The function failed as a whole (crash, timeout): its error payload has no code worth trusting.
      if (out.FunctionError) throw new PolyfaasError('Unavailable', `${name(fn)} failed (${out.FunctionError})`);
      try {
        return text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        throw new PolyfaasError('Internal', `${name(fn)} answered something that is not JSON`);
      }
    },
  };
}
