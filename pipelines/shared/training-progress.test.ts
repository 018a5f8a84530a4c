import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { createLogger } from '../../src/index.js';
import type { TrainingProgress } from './training-progress.js';
import { MAX_PROGRESS_POINTS, TrainingProgressPublisher, trainingProgressKey } from './training-progress.js';

const log = createLogger({ level: 'silent' });
const batch = (step: number, epoch = 0) => ({ epoch, epochs: 2, batch: step % 10, batchesPerEpoch: 10, step, loss: 1 / step, accuracy: step / 20 });
const read = async (bucket: MemoryBucket, runId = 'r1') => JSON.parse(new TextDecoder().decode((await bucket.get(trainingProgressKey(runId))).body)) as TrainingProgress;

describe('TrainingProgressPublisher', () => {
  it('writes at most once per interval, with rate and ETA from the steps between writes', async () => {
    const bucket = new MemoryBucket('p');
    let now = 0;
    const puts: string[] = [];
    const put = bucket.put.bind(bucket);
    bucket.put = (key, body, options) => (puts.push(key), put(key, body, options));
    const publisher = new TrainingProgressPublisher(bucket, log, { runId: 'r1', model: 'm', batchSize: 32, everyMs: 1000, now: () => now });
    publisher.batch(batch(1));
    await publisher.flush();
    for (let step = 2; step <= 5; step++) {
      now += 250;
      publisher.batch(batch(step));
    }
    await publisher.flush();
    // Step 1 (first), then step 5 (1000 ms later); steps 2-4 fell inside the interval.
    expect(puts).toHaveLength(2);
    const doc = await read(bucket);
    expect(doc).toMatchObject({ format: 'polyfaas.train-progress/v1', runId: 'r1', model: 'm', state: 'training', step: 5, totalSteps: 20, epochs: 2 });
    // 4 steps in 1 s at 32 samples a step; 15 steps left at 4 steps/s.
    expect(doc.samplesPerSecond).toBe(128);
    expect(doc.etaSeconds).toBe(4);
    expect(doc.points.map((p) => p.step)).toEqual([1, 5]);
  });

  it('never has two writes in flight: newer progress replaces the pending one', async () => {
    const bucket = new MemoryBucket('p');
    let inFlight = 0;
    let most = 0;
    const bodies: string[] = [];
    const put = bucket.put.bind(bucket);
    bucket.put = async (key, body, options) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      bodies.push(String(body));
      inFlight--;
      return put(key, body, options);
    };
    const publisher = new TrainingProgressPublisher(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, everyMs: 0 });
    for (let step = 1; step <= 50; step++) publisher.batch(batch(step));
    await publisher.end('finished', 'v1');
    expect(most).toBe(1);
    // The first, one coalesced pending write, and the final state: not 51 writes.
    expect(bodies.length).toBeLessThanOrEqual(3);
    expect(await read(bucket)).toMatchObject({ state: 'finished', version: 'v1', step: 50, etaSeconds: 0 });
  });

  it('records each epoch, continues an earlier invocation’s curves, and keeps the points bounded', async () => {
    const bucket = new MemoryBucket('p');
    let now = 0;
    const first = new TrainingProgressPublisher(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, everyMs: 0, now: () => now });
    for (let step = 1; step <= MAX_PROGRESS_POINTS + 50; step++) {
      now += 10;
      first.batch(batch(step));
    }
    first.epoch({ epoch: 0, loss: 0.5, accuracy: 0.7, seconds: 3 });
    await first.end('continuing');
    const stored = await read(bucket);
    expect(stored.points.length).toBeLessThanOrEqual(MAX_PROGRESS_POINTS);
    expect(stored.points.at(-1)?.step).toBe(MAX_PROGRESS_POINTS + 50);
    expect(stored.history).toEqual([{ epoch: 0, loss: 0.5, accuracy: 0.7, seconds: 3 }]);
    const second = new TrainingProgressPublisher(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, everyMs: 0, previous: stored, now: () => now });
    now += 20;
    second.batch(batch(MAX_PROGRESS_POINTS + 51, 1));
    await second.flush();
    const resumed = await read(bucket);
    expect(resumed.state).toBe('training');
    // The rate spans the hand-over: one step in the 20 ms since the last published point.
    expect(resumed.samplesPerSecond).toBe(50);
    expect(resumed.history).toHaveLength(1);
    expect(resumed.points.at(-1)?.step).toBe(MAX_PROGRESS_POINTS + 51);
  });

  it('resumes a run from its stored progress, and starts fresh from a foreign, damaged or forged one', async () => {
    const bucket = new MemoryBucket('p');
    let now = 1000;
    const first = new TrainingProgressPublisher(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, everyMs: 0, now: () => now });
    first.batch(batch(1));
    first.epoch({ epoch: 0, loss: 0.5, accuracy: 0.7, seconds: 3 });
    await first.end('continuing');
    const resumed = await TrainingProgressPublisher.resume(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, now: () => now });
    expect(resumed.snapshot).toMatchObject({ step: 1, state: 'training', history: [{ epoch: 0 }] });
    const stored = await read(bucket);
    const forged: unknown[] = [
      'not json',
      null,
      [],
      { ...stored, runId: 'other' },
      { ...stored, format: 'v0' },
      { ...stored, points: 'x' },
      { ...stored, points: [{ step: 'a' }] },
      { ...stored, points: Array.from({ length: MAX_PROGRESS_POINTS + 1 }, (_, i) => ({ step: i, loss: 0, accuracy: 0, time: i })) },
      { ...stored, history: [null] },
      { ...stored, step: '1' },
    ];
    for (const doc of forged) {
      await bucket.put(trainingProgressKey('r1'), typeof doc === 'string' ? doc : JSON.stringify(doc));
      const fresh = await TrainingProgressPublisher.resume(bucket, log, { runId: 'r1', model: 'm', batchSize: 1, now: () => now });
      expect(fresh.snapshot, JSON.stringify(doc).slice(0, 60)).toMatchObject({ step: 0, points: [], history: [] });
      now += 10;
      fresh.batch(batch(2));
      await fresh.flush();
    }
  });

  it('logs a failed write and goes on', async () => {
    const bucket = new MemoryBucket('p');
    const warnings: string[] = [];
    const spy = { ...log, warn: (m: string) => void warnings.push(m) };
    bucket.put = () => Promise.reject(new Error('disk full'));
    const publisher = new TrainingProgressPublisher(bucket, spy, { runId: 'r1', model: 'm', batchSize: 1 });
    publisher.batch(batch(1));
    await publisher.end('failed');
    expect(warnings).toEqual(['training progress not published', 'training progress not published']);
  });
});
