/**
 * Data-parallel training alone, as the local pool test loads it in each
 * `serve({ workers })` process: plan-training, train-shard (each invocation
 * records its process id and start/end times under `trace/`) and train-reduce,
 * for a tiny CNN on 1,024 images: 2 workers, 2 rounds; the reducer relays its
 * round progress hook to the pool's owner.
 */
import { sendToPoolParent } from '../../../adapters/local/pool-channel.js';
import { defineApp, defineFunction } from '../../../src/index.js';
import { relayedHooks } from '../hook-relay.js';
import { createPlanTrainingFunction } from '../plan-training.js';
import { createTrainReduceFunction } from '../train-reduce-function.js';
import { createTrainShardFunction } from '../train-shard-function.js';

/** What a traced train-shard invocation wrote. */
export interface ShardTrace {
  key: string;
  pid: number;
  start: number;
  end: number;
}

const shard = createTrainShardFunction({ bucket: 'data' });
const traced = defineFunction({
  ...shard,
  handler: async (event, ctx) => {
    const start = Date.now();
    const out = await shard.handler(event, ctx);
    const trace: ShardTrace = { key: event.key, pid: process.pid, start, end: Date.now() };
    await ctx.bucket('data').put(`trace/${event.key.replaceAll('/', '_')}`, JSON.stringify(trace));
    return out;
  },
});

export const parallel = defineApp({
  name: 'parallel-train',
  buckets: { data: 'mem://parallel-train' },
  functions: [
    createPlanTrainingFunction({ bucket: 'data', dataset: 'fashion-mnist', modelName: 'fashion-mnist', training: { epochs: 1, batchSize: 32, limit: 1024, filters: [4, 8], denseUnits: 16, workers: 2, roundSteps: 8 } }),
    traced,
    // Round progress goes back to the pool's owner, as `npm start -- --workers` draws it.
    createTrainReduceFunction({ bucket: 'data', hooks: relayedHooks((m) => sendToPoolParent(m)) }),
  ],
});
