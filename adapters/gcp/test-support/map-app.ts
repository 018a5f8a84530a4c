/**
 * The app the Cloud Functions map test runs in real Functions Framework
 * processes: the shared `square` map function (test/support/square-map-function.ts).
 */
import { defineApp } from '../../../src/index.js';
import { squareMapFunction } from '../../../test/support/square-map-function.js';
import { registerGcp } from '../index.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 'gs://bound-by-env/' },
  functions: [
    squareMapFunction,
  ],
});

registerGcp(app);
