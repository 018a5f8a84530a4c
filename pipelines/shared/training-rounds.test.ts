import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { Checkpointer } from './checkpoint.js';
import type { RoundPlan } from './round-shards.js';
import type { ReduceOutcome, RoundDone, RoundKeys } from './training-rounds.js';
import { reduceRound, ROUND_DONE_FORMAT } from './training-rounds.js';

const RUN = 'run-1';
const keys: RoundKeys = {
  jobKey: (r, w, seq) => `jobs/round/${r}/${w}-${seq}.json`,
  donePrefix: (r) => `done/${r}/`,
  doneKey: (r, w) => `done/${r}/${w}.json`,
  modelPrefix: (r) => `rounds/${r}/model/`,
  workerPrefix: (r, w) => `rounds/${r}/worker-${w}/`,
  claimKey: (r) => `rounds/${r}/claim.json`,
  currentRunKey: 'rounds/never.json',
};
const plan: RoundPlan = { workers: 2, examplesPerRound: 4, rounds: 3, shardSize: 6, epochs: 2 };

/** Round 0 finished by both workers: each one's weights ([w+1, w+1, w+1]) checkpointed and its done marker written. */
async function finishedRound(bucket: Bucket): Promise<void> {
  for (const worker of [0, 1]) {
    const checkpointer = new Checkpointer(bucket, keys.workerPrefix(0, worker));
    const floats = new Float32Array(3).fill(worker + 1);
    await checkpointer.saveSnapshot(
      { tensors: [{ group: 'model', name: 'w0', shape: [3], offset: 0, length: 3 }], blob: new Uint8Array(floats.buffer) },
      { position: { epoch: 1, batch: 0, step: 2 }, history: [], partial: { loss: 0, correct: 0, seen: 0, seconds: 0 }, meta: {} },
    );
    const state = (await checkpointer.read())?.state;
    if (!state) throw new Error('no checkpoint');
    const done: RoundDone = { format: ROUND_DONE_FORMAT, runId: RUN, round: 0, worker, blobKey: state.blobKey, blobSha256: state.blobSha256, tensors: state.tensors, loss: 1, correct: 2, seen: 4, seconds: 0.5 };
    await bucket.put(keys.doneKey(0, worker), JSON.stringify(done), { contentType: 'application/json' });
  }
}

const reduce = (bucket: Bucket, worker: number) =>
  reduceRound({ bucket, keys, runId: RUN, plan, round: 0, worker, optimizer: 'reset', jobBody: (r, w) => JSON.stringify({ r, w }) });

async function listKeys(bucket: Bucket, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const obj of bucket.list({ prefix })) out.push(obj.key);
  return out;
}

describe('reduceRound', () => {
  it('with both markers arriving together, exactly one reducer averages and writes: the other steps aside', async () => {
    const bucket = new MemoryBucket();
    await finishedRound(bucket);
    const outcomes: ReduceOutcome[] = await Promise.all([reduce(bucket, 0), reduce(bucket, 1)]);
    const acted = outcomes.filter((o) => o.status === 'reduced');
    expect(acted).toHaveLength(1);
    expect(acted[0]).toMatchObject({ status: 'reduced', written: true, final: false });
    const winner = acted[0] === outcomes[0] ? 0 : 1;
    expect(outcomes[1 - winner]).toEqual({ status: 'stepped-aside', round: 0, claimedBy: winner });
    // One model blob (no loser's blob written and deleted), the average of 1 and 2, and the next round's two jobs.
    const model = (await new Checkpointer(bucket, keys.modelPrefix(1)).read())?.state;
    expect((await listKeys(bucket, keys.modelPrefix(1))).filter((k) => k.endsWith('.bin'))).toEqual([model?.blobKey]);
    expect([...(await new Checkpointer(bucket, keys.modelPrefix(1)).readFloats(model as NonNullable<typeof model>))]).toEqual([1.5, 1.5, 1.5]);
    expect(await listKeys(bucket, 'jobs/round/1/')).toEqual(['jobs/round/1/0-0.json', 'jobs/round/1/1-0.json']);
    // A late or repeated event of the loser's marker still steps aside; the winner's redelivery finds the work done.
    expect(await reduce(bucket, 1 - winner)).toMatchObject({ status: 'stepped-aside' });
    expect(await reduce(bucket, winner)).toMatchObject({ status: 'reduced', written: false });
  });

  it('heals a claimant that crashed before writing the model when its own marker’s event is redelivered', async () => {
    const inner = new MemoryBucket();
    await finishedRound(inner);
    let failNext = true;
    const bucket = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop !== 'put') return Reflect.get(target, prop, receiver) as unknown;
        return async (key: string, ...rest: unknown[]) => {
          if (failNext && key === `${keys.modelPrefix(1)}state.json`) {
            failNext = false;
            throw new PolyfaasError('Unavailable', 'injected crash');
          }
          return (target.put as (...args: unknown[]) => Promise<unknown>).call(target, key, ...rest);
        };
      },
    });
    await expect(reduce(bucket, 0)).rejects.toMatchObject({ code: 'Unavailable' });
    expect(await reduce(bucket, 1)).toEqual({ status: 'stepped-aside', round: 0, claimedBy: 0 });
    expect(await reduce(bucket, 0)).toMatchObject({ status: 'reduced', written: true });
    expect(await listKeys(inner, 'jobs/round/1/')).toHaveLength(2);
  });

  it('waits while a marker is missing, without claiming the round', async () => {
    const bucket = new MemoryBucket();
    await finishedRound(bucket);
    await bucket.delete(keys.doneKey(0, 1));
    expect(await reduce(bucket, 0)).toEqual({ status: 'waiting', round: 0 });
    expect(await bucket.exists(keys.claimKey(0))).toBe(false);
  });
});
