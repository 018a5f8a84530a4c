import '@tensorflow/tfjs-backend-cpu';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { Checkpointer } from '../shared/checkpoint.js';
import { buildCnn } from './cnn.js';
import { syntheticImageData } from './synthetic-data.js';
import { trainWithCheckpoints } from '../shared/trainer.js';

const EVERY = 5;
const KILL_AT = 23;

describe('training killed with SIGKILL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-sigkill-'));
    await tf.setBackend('cpu');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loses at most one checkpoint interval and resumes from the checkpoint', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'test-support/train-child.ts'), dir, String(EVERY), String(KILL_AT)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lastStep = await new Promise<number>((done, fail) => {
      let last = 0;
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        for (const m of buffered.matchAll(/STEP (\d+)\n/g)) last = Number(m[1]);
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
        if (last === KILL_AT) {
          child.kill('SIGKILL');
          done(last);
        }
      });
      child.on('exit', (code, signal) => signal !== 'SIGKILL' && fail(new Error(`child exited early (${code}): ${stderr}`)));
    });
    await new Promise((r) => child.once('close', r));
    expect(child.signalCode).toBe('SIGKILL');

    const checkpointer = new Checkpointer(new FileBucket(dir), 'run/checkpoint/');
    const saved = await checkpointer.read();
    expect(saved).toBeDefined();
    const step = saved?.state.position.step as number;
    expect(lastStep - step).toBeLessThanOrEqual(EVERY);
    expect(step).toBeLessThanOrEqual(lastStep);

    const shape = [8, 8, 1] as const;
    const model = buildCnn({ inputShape: shape, numClasses: 4, filters: [4, 8], denseUnits: 16, dropout: 0, seed: 3 });
    const steps: number[] = [];
    const controller = new AbortController();
    const resumed = await trainWithCheckpoints({
      model,
      data: syntheticImageData({ count: 128, inputShape: shape, numClasses: 4 }),
      epochs: 100, batchSize: 8, seed: 5, checkpointEverySteps: EVERY, checkpointer, signal: controller.signal,
      onBatch: (p) => {
        steps.push(p.step);
        if (steps.length === 3) controller.abort();
      },
    });
    expect(resumed.resumed).toBe(true);
    expect(steps[0]).toBe(step + 1);
    model.dispose();
  }, 60_000);
});
