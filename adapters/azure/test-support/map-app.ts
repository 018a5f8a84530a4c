/**
 * The app the storage-queue map test registers with the emulated Functions
 * host: the shared `square` map function (test/support/square-map-function.ts).
 */
import { defineApp } from '../../../src/index.js';
import { squareMapFunction } from '../../../test/support/square-map-function.js';

export const app = defineApp({
  name: 'maps',
  buckets: { data: 'azblob://placeholder/' },
  functions: [
    squareMapFunction,
  ],
});
