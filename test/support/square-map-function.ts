/**
 * The map function the invoker tests run on every cloud adapter: items ask for
 * a failing first launch (retried) or a permanent failure (`InvalidArgument`,
 * not retried), so retries and codes must cross each platform's invocation
 * path and come back through the bucket. The answer names the process, so a
 * test can tell that several processes served the map.
 */
import { defineMapFunction, PolyfaasError } from '../../src/index.js';

/** One item of the test map. */
export interface SquareItem {
  readonly n: number;
  readonly failFirst?: boolean;
  readonly invalid?: boolean;
}

/** `square` over the bucket `data`. */
export const squareMapFunction = defineMapFunction({
  name: 'square',
  bucket: 'data',
  handler: (item: SquareItem, ctx) => {
    if (item.invalid) throw new PolyfaasError('InvalidArgument', `item ${item.n} is invalid`);
    if (item.failFirst && ctx.launch === 1) throw new PolyfaasError('Unavailable', 'first launch fails');
    return { square: item.n * item.n, launch: ctx.launch, pid: process.pid };
  },
});
