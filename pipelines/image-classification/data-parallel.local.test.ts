import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../adapters/local/index.js';
import { FileBucket, serve } from '../../adapters/local/index.js';
import { InvocationObserver } from '../../src/adapter.js';
import { pipelineRunCost } from '../shared/run-cost.js';
import type { BatchProgress } from '../shared/trainer.js';
import { replayHook } from './hook-relay.js';
import { readJsonIfExists } from './jobs.js';
import { writeIdxFeatures } from './test-support/idx-features.js';
import { FOLDER_CLASSES, readFixture } from './test-support/image-folder.js';
import type { ShardTrace } from './test-support/parallel-train-app.js';
import { parallel } from './test-support/parallel-train-app.js';

/** The K = 2 shard invocations of a round run in two `serve({ workers: 2 })` processes at once. */
describe('data-parallel training on the local worker pool', () => {
  let dir: string;
  let server: LocalServer;
  const observer = new InvocationObserver();
  const rounds: BatchProgress[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-dp-'));
    server = await serve(parallel, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: resolve(import.meta.dirname, 'test-support/parallel-train-app.ts'), export: 'parallel', count: 2, onMessage: (m) => replayHook({ onTrainBatch: (p) => rounds.push(p) }, m) },
      console: false,
      observer,
      stateDir: false,
      retryDelayMs: 5,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('trains both workers of a round in two processes at the same time, and saves the version', async () => {
    const fixture = await readFixture('train');
    const images = new Uint8Array(fixture.count * 784);
    for (let i = 0; i < fixture.count; i++) images.set(fixture.pixels(i), i * 784);
    const data = { count: fixture.count, rows: 28, cols: 28, images, labels: fixture.labels };
    const plain = new FileBucket(dir);
    const test = await writeIdxFeatures(plain, 'test', data, FOLDER_CLASSES, 200);
    await plain.put(test.key, JSON.stringify(test.manifest));
    const train = await writeIdxFeatures(plain, 'train', data, FOLDER_CLASSES);
    await server.bucket('data').put(train.key, JSON.stringify(train.manifest));
    await server.idle();
    expect(server.deadLetters).toEqual([]);

    const traces: ShardTrace[] = [];
    for await (const obj of plain.list({ prefix: 'trace/' })) traces.push((await readJsonIfExists<ShardTrace>(plain, obj.key)) as ShardTrace);
    expect(traces).toHaveLength(4); // 2 rounds × 2 workers
    const round0 = traces.filter((t) => t.key.includes('/round-00000/'));
    expect(new Set(round0.map((t) => t.pid)).size).toBe(2);
    expect(round0.some((t) => t.pid === process.pid)).toBe(false);
    const [a, b] = round0 as [ShardTrace, ShardTrace];
    expect(Math.max(a.start, b.start)).toBeLessThan(Math.min(a.end, b.end)); // the intervals overlap
    const versions: string[] = [];
    for await (const obj of plain.list({ prefix: 'models/fashion-mnist/versions/' })) if (obj.key.endsWith('/manifest.json')) versions.push(obj.key);
    expect(versions).toHaveLength(1);

    // The pool's invocations reach the server's observer, so the run's cost has its training.
    const records = observer.records();
    const shards = records.filter((r) => r.function === 'train-shard');
    expect(shards).toHaveLength(4);
    for (const r of shards) expect(r).toMatchObject({ status: 'ok', memoryMb: 3008, trigger: 'storage' });
    for (const r of shards) expect(r.cpuMs).toBeGreaterThan(0);
    const cost = pipelineRunCost(records);
    const training = cost.stages.find((s) => s.stage === 'train');
    expect(training?.invocations).toBe(records.filter((r) => ['plan-training', 'train-shard', 'train-reduce'].includes(r.function)).length);
    expect(training?.invocations).toBeGreaterThanOrEqual(1 + 4 + 2);
    expect(training?.computeMs).toBeGreaterThanOrEqual(shards.reduce((s, r) => s + r.durationMs, 0));
    expect(training?.cost.aws).toBeGreaterThan(0);

    // Each reduced round came back from the worker that reduced it as training progress.
    expect(rounds.map((p) => [p.batch, p.batchesPerEpoch])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    for (const p of rounds) expect(p.loss).toBeGreaterThan(0);
  }, 180_000);
});
