/**
 * A Lambda entry for the map tests: one map function, bundled with
 * `bundleAws` and run by serverless-offline. Items ask for a failing first
 * launch or a permanent failure, so retries and codes cross Lambda's Invoke.
 */
import { defineApp, defineFunction, defineMapFunction, json, PolyfaasError } from '../../../src/index.js';
import { toLambda } from '../index.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 's3://polyfaas-map-test' },
  functions: [
    // serverless-offline opens its HTTP port (which the test helper waits for) only for an app with an HTTP route.
    defineFunction({ name: 'health', trigger: { type: 'http', method: 'GET', path: '/health' }, handler: () => json({ ok: true }) }),
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

export const { handler } = toLambda(app);
