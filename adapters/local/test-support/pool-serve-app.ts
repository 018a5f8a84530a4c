/**
 * The app `serve({ workers })` tests load in each worker process: a queue
 * function that records which process ran it and on which attempt (failing
 * the first attempt of "flaky" messages), a storage function chained on its
 * output, a queue function that keeps its process's CPU busy for as many
 * milliseconds as its message says (and tells the pool's owner it did), and a queue function that always fails permanently.
 */
import { defineApp, defineFunction, PolyfaasError } from '../../../src/index.js';
import { sendToPoolParent } from '../pool-channel.js';

export const app = defineApp({
  name: 'pool-serve',
  buckets: { data: 'mem://pool-serve' },
  functions: [
    defineFunction({
      name: 'echo',
      trigger: { type: 'queue', queue: 'jobs' },
      handler: async (msg, ctx) => {
        if (msg.text() === 'flaky' && ctx.attempt === 1) throw new PolyfaasError('Unavailable', 'first attempt fails');
        await ctx.bucket('data').put(`out/${msg.text()}.json`, JSON.stringify({ pid: process.pid, attempt: ctx.attempt }));
      },
    }),
    defineFunction({
      name: 'copy',
      trigger: { type: 'storage', bucket: 'data', prefix: 'out/' },
      handler: async (event, ctx) => {
        await ctx.bucket('data').put(event.key.replace(/^out\//, 'copied/'), JSON.stringify({ pid: process.pid }));
      },
    }),
    defineFunction({
      name: 'spin',
      trigger: { type: 'queue', queue: 'spin' },
      memoryMb: 512,
      handler: async (msg, ctx) => {
        // Busy until both this process's CPU time and the wall clock have advanced the milliseconds the message says
        // (on a shared machine either can lag the other).
        const ms = Number(msg.text());
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const cpuMs = () => {
          const used = process.cpuUsage(cpu);
          return (used.user + used.system) / 1000;
        };
        while (cpuMs() < ms || performance.now() - t0 < ms);
        ctx.log.info(`spun in ${process.pid}`);
        const relayed = sendToPoolParent({ spun: process.pid });
        await ctx.bucket('data').put(`spun/${process.pid}.json`, JSON.stringify({ pid: process.pid, relayed }));
      },
    }),
    defineFunction({
      name: 'bad',
      trigger: { type: 'queue', queue: 'bad' },
      handler: () => {
        throw new PolyfaasError('InvalidArgument', 'never valid');
      },
    }),
  ],
});
