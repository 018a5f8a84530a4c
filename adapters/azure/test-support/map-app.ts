/**
 * The app the storage-queue map test registers with the emulated Functions
 * host: one map function; items ask for a failing first launch or a
 * permanent failure, so retries and codes come back through the bucket.
 */
import { defineApp, defineMapFunction, PolyfaasError } from '../../../src/index.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 'azblob://placeholder/' },
  functions: [
    defineMapFunction({
      name: 'square',
      bucket: 'data',
      handler: (item: { n: number; failFirst?: boolean; invalid?: boolean }, ctx) => {
        if (item.invalid) throw new PolyfaasError('InvalidArgument', `item ${item.n} is invalid`);
        if (item.failFirst && ctx.launch === 1) throw new PolyfaasError('Unavailable', 'first launch fails');
        return { square: item.n * item.n, launch: ctx.launch };
      },
    }),
  ],
});
