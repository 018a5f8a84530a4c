/**
 * A Lambda entry for the map tests: the shared `square` map function
 * (test/support/square-map-function.ts), bundled with `bundleAws` and run by
 * serverless-offline, so its retries and codes cross Lambda's Invoke.
 */
import { defineApp, defineFunction, json } from '../../../src/index.js';
import { squareMapFunction } from '../../../test/support/square-map-function.js';
import { toLambda } from '../index.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 's3://polyfaas-map-test' },
  functions: [
    // serverless-offline opens its HTTP port (which the test helper waits for) only for an app with an HTTP route.
    defineFunction({ name: 'health', trigger: { type: 'http', method: 'GET', path: '/health' }, handler: () => json({ ok: true }) }),
    squareMapFunction,
  ],
});

export const { handler } = toLambda(app);
