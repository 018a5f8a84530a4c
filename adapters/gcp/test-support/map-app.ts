/**
 * The app the Cloud Functions map test runs in real Functions Framework
 * processes: one map function; items ask for a failing first launch or a
 * permanent failure, so retries and codes come back through the bucket.
 */
import { defineApp, defineMapFunction, PolyfaasError } from '../../../src/index.js';
import { registerGcp } from '../index.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 'gs://bound-by-env/' },
  functions: [
    defineMapFunction({
      name: 'square',
      bucket: 'data',
      handler: (item: { n: number; failFirst?: boolean; invalid?: boolean }, ctx) => {
        if (item.invalid) throw new PolyfaasError('InvalidArgument', `item ${item.n} is invalid`);
        if (item.failFirst && ctx.launch === 1) throw new PolyfaasError('Unavailable', 'first launch fails');
        return { square: item.n * item.n, launch: ctx.launch, pid: process.pid };
      },
    }),
  ],
});

registerGcp(app);
