import type { PriceTable } from '../../src/index.js';
import { DEFAULT_PRICES, invocationCost } from '../../src/index.js';

/**
 * A model of wall time and cost of data-parallel training (periodic model
 * averaging through a bucket, see docs/data-parallel-training.md) for K
 * function workers, from a handful of measured or stated inputs. Pure, so the
 * docs' table is reproducible: `npx tsx bench/data-parallel-model.ts`.
 */

/** What the model needs. Times in ms, sizes in bytes. */
export interface DataParallelInputs {
  /** Training examples and epochs over them. */
  readonly examples: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Optimizer steps per worker per round. */
  readonly roundSteps: number;
  /**
   * Instead of `roundSteps`: average this many times in the run whatever K
   * (rounds get shorter as K grows), so the averaging frequency — what
   * accuracy depends on — stays that of a measured K.
   */
  readonly fixedRounds?: number;
  /** One optimizer step on one worker (measured). */
  readonly stepMs: number;
  /** A model + optimizer snapshot (measured): what a worker reads and writes every round. */
  readonly weightBytes: number;
  /** The training set a new instance loads once. */
  readonly datasetBytes: number;
  /** Averaging one worker's snapshot into the sum, in the reducer (measured). */
  readonly averageMsPerWorker: number;
  /** Bucket request latency (first byte) and per-connection throughput. */
  readonly bucketLatencyMs: number;
  readonly bucketBytesPerMs: number;
  /** Storage event to handler start. */
  readonly triggerMs: number;
  /** New instance: runtime start + tfjs WASM init. */
  readonly coldStartMs: number;
  /** Bucket requests the reducer keeps in flight. */
  readonly reducerConcurrency: number;
  readonly memoryMb: number;
  /** USD per 1,000 bucket writes and reads. */
  readonly putPer1000: number;
  readonly getPer1000: number;
}

/** One row of the table. */
export interface DataParallelRow {
  readonly workers: number;
  readonly rounds: number;
  /** Optimizer steps each worker takes in all. */
  readonly stepsPerWorker: number;
  readonly wallSeconds: number;
  /** Of which compute (optimizer steps), the rest being transfer, triggers and start-up. */
  readonly computeSeconds: number;
  readonly speedup: number;
  /** Lambda compute + requests, and bucket requests, USD. */
  readonly costUsd: number;
}

const transfer = (m: DataParallelInputs, bytes: number) => m.bucketLatencyMs + bytes / m.bucketBytesPerMs;

/**
 * Wall time and cost of one run with `workers` workers. `workers` = 1 is
 * the single-invocation path: no rounds, a checkpoint every 100 steps.
 */
export function modelRun(m: DataParallelInputs, workers: number, prices: PriceTable = DEFAULT_PRICES): Omit<DataParallelRow, 'speedup'> {
  const aws = prices.platforms.aws;
  const startup = m.coldStartMs + transfer(m, m.datasetBytes);
  const totalSteps = Math.ceil((m.epochs * m.examples) / m.batchSize);
  if (workers === 1) {
    const checkpoints = Math.ceil(totalSteps / 100);
    const wallMs = m.triggerMs + startup + totalSteps * m.stepMs + checkpoints * (transfer(m, m.weightBytes) + m.bucketLatencyMs);
    // Lambda's 15-minute limit: the run continues in a new invocation (each a cold start at worst).
    const invocations = Math.ceil(wallMs / (14 * 60_000));
    const wall = wallMs + (invocations - 1) * (m.triggerMs + startup);
    const cost = invocationCost(aws, { durationMs: wall, memoryMb: m.memoryMb }) + (invocations - 1) * aws.perInvocation + (checkpoints * 2 * m.putPer1000) / 1000;
    return { workers, rounds: 0, stepsPerWorker: totalSteps, wallSeconds: wall / 1000, computeSeconds: (totalSteps * m.stepMs) / 1000, costUsd: cost };
  }
  const shard = Math.ceil(m.examples / workers);
  const stepsPerWorker = Math.ceil((m.epochs * shard) / m.batchSize);
  const roundSteps = m.fixedRounds ? Math.max(1, Math.ceil(stepsPerWorker / m.fixedRounds)) : m.roundSteps;
  const rounds = Math.ceil(stepsPerWorker / roundSteps);
  const batches = Math.ceil(workers / m.reducerConcurrency);
  // A worker's round: read the round's model, train, write its checkpoint (blob + state) and its done marker.
  const workerOverheadMs = transfer(m, m.weightBytes) + transfer(m, m.weightBytes) + 2 * m.bucketLatencyMs;
  // The reducer's: list the markers, read K snapshots (concurrency-limited), average, write the model, write K jobs.
  const reducerMs = m.bucketLatencyMs + batches * transfer(m, m.weightBytes) + workers * m.averageMsPerWorker + transfer(m, m.weightBytes) + batches * m.bucketLatencyMs;
  let wall = startup;
  let workerMs = 0;
  for (let r = 0; r < rounds; r++) {
    const steps = Math.min(roundSteps, stepsPerWorker - r * roundSteps);
    const roundWorkerMs = workerOverheadMs + steps * m.stepMs;
    wall += m.triggerMs + roundWorkerMs + m.triggerMs + reducerMs;
    workerMs += roundWorkerMs;
  }
  const workerInvocations = workers * rounds;
  const lambda =
    workerInvocations * aws.perInvocation + rounds * aws.perInvocation +
    invocationCost(aws, { durationMs: workers * (workerMs + startup), memoryMb: m.memoryMb }) - aws.perInvocation +
    invocationCost(aws, { durationMs: rounds * reducerMs, memoryMb: m.memoryMb }) - aws.perInvocation;
  // Per round: K jobs, K × (blob + state + marker) from workers, 1 model blob + state; reads: K models, K snapshots, K markers.
  const puts = rounds * (workers * 4 + 2);
  const gets = rounds * workers * 3 + workers;
  const bucket = (puts * m.putPer1000 + gets * m.getPer1000) / 1000;
  return { workers, rounds, stepsPerWorker, wallSeconds: wall / 1000, computeSeconds: (stepsPerWorker * m.stepMs) / 1000, costUsd: lambda + bucket };
}

/** The table for each K, with speed-up against K = 1. */
export function modelTable(m: DataParallelInputs, workers: readonly number[], prices: PriceTable = DEFAULT_PRICES): DataParallelRow[] {
  const one = modelRun(m, 1, prices);
  return workers.map((k) => {
    const row = modelRun(m, k, prices);
    return { ...row, speedup: one.wallSeconds / row.wallSeconds };
  });
}
