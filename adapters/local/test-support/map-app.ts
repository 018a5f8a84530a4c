/**
 * The app the worker-pool tests load in each pool process: one map function
 * that burns CPU (so parallelism shows), reports which process ran it and
 * when, and fails the first launch of items that ask for it.
 */
import { defineApp, defineMapFunction, PolyfaasError } from '../../../src/index.js';

/** One item of the test map. */
export interface PoolItem {
  readonly n: number;
  readonly burnMs: number;
  readonly failFirst?: boolean;
  readonly invalid?: boolean;
}

/** What the function answers. */
export interface PoolResult {
  readonly double: number;
  readonly pid: number;
  readonly start: number;
  readonly end: number;
}

export const app = defineApp({
  name: 'pool-test',
  buckets: { data: 'mem://pool-test' },
  functions: [
    defineMapFunction({
      name: 'burn',
      bucket: 'data',
      handler: (item: PoolItem, ctx): PoolResult => {
        if (item.invalid) throw new PolyfaasError('InvalidArgument', `item ${item.n} is invalid`);
        if (item.failFirst && ctx.launch === 1) throw new PolyfaasError('Unavailable', 'first launch fails');
        const start = Date.now();
        const cpu = process.cpuUsage();
        for (;;) {
          const used = process.cpuUsage(cpu);
          if (used.user + used.system >= item.burnMs * 1000) break;
        }
        return { double: item.n * 2, pid: process.pid, start, end: Date.now() };
      },
    }),
  ],
});
