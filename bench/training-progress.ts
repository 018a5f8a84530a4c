/**
 * What publishing training progress for the console costs the training it
 * reports on: the train function calls `TrainingProgressPublisher.batch()`
 * after every optimizer step, and it writes `runs/<id>/progress.json` at most
 * once per interval with at most one write in flight.
 *
 * Both paths run the same loop of steps, round-robin, on a clock that advances
 * 1 ms a step (a fast CPU step; real steps of the Fashion-MNIST CNN take
 * 10-60 ms, so this over-counts writes per step):
 * - baseline: the step hook does what it did before (nothing);
 * - polyfaas: the hook updates the publisher, which writes to a memory bucket
 *   every 1000 steps and every epoch (100 steps) end.
 *
 * The second pair of rows is the local server's storage-event path: every
 * bucket write's event now also passes the console's training feed, which
 * returns at once unless a page listens and the key is a progress object.
 *
 * Usage: npx tsx bench/training-progress.ts [--quick]
 */
import { ConsoleEvents } from '../adapters/local/console/event-stream.js';
import { TrainingFeed } from '../adapters/local/console/training-feed.js';
import { MemoryBucket } from '../adapters/memory/index.js';
import type { AppRuntime } from '../src/adapter.js';
import { InvocationObserver } from '../src/adapter.js';
import { createStorageEvent, createLogger } from '../src/index.js';
import type { StorageEvent } from '../src/index.js';
import { TrainingProgressPublisher } from '../pipelines/shared/training-progress.js';
import { runStandalone } from './support/standalone.js';
import { round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

const BATCHES_PER_EPOCH = 100;

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const steps = opts.quick ? 200_000 : 1_000_000;
  const log = createLogger({ level: 'silent' });
  let clock = 0;
  const bucket = new MemoryBucket('bench');
  const publisher = new TrainingProgressPublisher(bucket, log, { runId: 'bench', model: 'm', batchSize: 64, now: () => clock });
  let sink = 0;
  const hooks = {
    baseline: (step: number) => {
      sink += step;
    },
    polyfaas: (step: number) => {
      const epoch = Math.floor(step / BATCHES_PER_EPOCH);
      publisher.batch({ epoch, epochs: steps / BATCHES_PER_EPOCH, batch: step % BATCHES_PER_EPOCH, batchesPerEpoch: BATCHES_PER_EPOCH, step, loss: 1 / (step + 1), accuracy: 0.5 });
      if (step % BATCHES_PER_EPOCH === BATCHES_PER_EPOCH - 1) publisher.epoch({ epoch, loss: 0.1, accuracy: 0.9, seconds: 0.1 });
    },
  };
  const ns: Record<keyof typeof hooks, number> = { baseline: 0, polyfaas: 0 };
  const chunk = 10_000;
  for (let from = 0; from < steps; from += chunk) {
    for (const name of ['baseline', 'polyfaas'] as const) {
      const hook = hooks[name];
      const start = process.hrtime.bigint();
      for (let step = from; step < from + chunk; step++) {
        if (name === 'polyfaas') clock++;
        hook(step);
      }
      ns[name] += Number(process.hrtime.bigint() - start);
    }
    // Let the writes in flight finish, as they would between real steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await publisher.flush();

  // The storage-event path: what serve() does per bucket write, without and with the console's feed.
  const event = createStorageEvent({ kind: 'created', bucket: 'data', key: 'raw/a/train/0-x/1.png', size: 10, etag: 'e', source: 'polyfaas://buckets/data' });
  let published = 0;
  const deliver = (e: StorageEvent) => void (published += e.size);
  // The real feed; its runtime is only used to read progress objects, which no event here names.
  const feed = new TrainingFeed(undefined as unknown as AppRuntime, ['data'], new ConsoleEvents(new InvocationObserver()));
  const emits = { baseline: (e: StorageEvent) => deliver(e), polyfaas: (e: StorageEvent) => { deliver(e); feed.onStorageEvent(e); } };
  const emitNs: Record<keyof typeof emits, number> = { baseline: 0, polyfaas: 0 };
  for (let pass = 0; pass < 20; pass++) {
    for (const name of ['baseline', 'polyfaas'] as const) {
      const emit = emits[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < steps / 20; i++) emit(event);
      emitNs[name] += Number(process.hrtime.bigint() - start);
    }
  }
  if (sink < 0 || published < 0) throw new Error('unreachable');
  const note = `${steps} steps, ${BATCHES_PER_EPOCH} per epoch, clock +1 ms a step, writes to a MemoryBucket`;
  return [
    ratioRow({ metric: 'training progress: step hook cost', baseline: round(ns.baseline / steps, 2), polyfaas: round(ns.polyfaas / steps, 2), unit: 'ns/step', ratio: 'polyfaas/baseline', note }),
    ratioRow({
      metric: 'console training feed: storage event cost (no page open)',
      baseline: round(emitNs.baseline / steps, 2),
      polyfaas: round(emitNs.polyfaas / steps, 2),
      unit: 'ns/event',
      ratio: 'polyfaas/baseline',
      note: `${steps} events; the feed returns at once while no page listens`,
    }),
  ];
}

await runStandalone(import.meta.url, run);
