import { PolyfaasError } from './errors.js';

/**
 * Run `worker` over `items` with at most `concurrency` calls in flight, keeping
 * results in input order. Bounded so 60k small objects never become 60k open
 * requests at once (sockets, file handles and memory all stay flat).
 *
 * @example
 * ```ts
 * const sizes = await mapLimit(keys, 16, async (key) => (await bucket.head(key)).size);
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new PolyfaasError('InvalidArgument', `concurrency must be a positive integer, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
