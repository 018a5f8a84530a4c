import { describe, expect, it } from 'vitest';
import { billedUsage, costPerMillion, invocationCost, monthlyBill, runCost } from './cost.js';
import { DEFAULT_PRICES, withPrices } from './prices.js';

const { aws, gcp, azure } = DEFAULT_PRICES.platforms;
const flex = DEFAULT_PRICES.platforms['azure-flex'];

describe('published worked examples', () => {
  it('AWS Lambda, Example 1: 512 MB × 3M invocations × 1 s = $18.74 a month (at the example’s $0.00001667/GB-s)', () => {
    // https://aws.amazon.com/lambda/pricing/ — the example states its own rounded rate; a user override is how to use it.
    const asPublished = withPrices({ aws: { perGbSecond: 0.00001667 } }).platforms.aws;
    const bill = monthlyBill(asPublished, { invocations: 3e6, durationMs: 1000, memoryMb: 512 });
    expect(bill.gbSeconds).toBe(1_500_000);
    expect(bill.memoryCost).toBe(18.34);
    expect(bill.invocationCost).toBe(0.4);
    expect(bill.total).toBe(18.74);
  });

  it('AWS Lambda, Example 2: 128 MB × 30M invocations × 200 ms = $11.63 a month', () => {
    const asPublished = withPrices({ aws: { perGbSecond: 0.00001667 } }).platforms.aws;
    const bill = monthlyBill(asPublished, { invocations: 30e6, durationMs: 200, memoryMb: 128 });
    expect(bill.gbSeconds).toBe(750_000);
    expect([bill.memoryCost, bill.invocationCost, bill.total]).toEqual([5.83, 5.8, 11.63]);
  });

  it('Azure Consumption: 1,110,000,000 MB-ms of Function Execution Units are 1,083.98 GB-s', () => {
    // https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs (metrics example)
    const billed = billedUsage(azure, { durationMs: 1_110_000_000 / 128, memoryMb: 128 });
    expect(billed.gbSeconds.toFixed(2)).toBe('1083.98');
  });

  it('Azure Consumption: a process using 160 MB is billed for 256 MB; memory stops at 1,536 MB; 100 ms minimum', () => {
    expect(billedUsage(azure, { durationMs: 1000, memoryMb: 160 }).billedMemoryMb).toBe(256);
    expect(billedUsage(azure, { durationMs: 1000, memoryMb: 4096 }).billedMemoryMb).toBe(1536);
    expect(billedUsage(azure, { durationMs: 3, memoryMb: 128 }).billedMs).toBe(100);
  });

  it('Azure Consumption: 3M executions × 1 s at 1.5 GB = $66.00 a month (modal.com guide)', () => {
    const bill = monthlyBill(azure, { invocations: 3e6, durationMs: 1000, memoryMb: 1536 });
    expect([bill.gbSeconds, bill.memoryCost, bill.invocationCost, bill.total]).toEqual([4_500_000, 65.6, 0.4, 66]);
  });

  it('Cloud Run functions: 260 ms is billed as 300 ms; 1 GiB for 1 s equals 256 MiB for 4 s', () => {
    // https://cloud.google.com/run/pricing ("rounded up to the nearest 100 millisecond", the GiB-second definition)
    expect(billedUsage(gcp, { durationMs: 260, memoryMb: 256 }).billedMs).toBe(300);
    expect(billedUsage(gcp, { durationMs: 1000, memoryMb: 1024 }).gbSeconds).toBe(billedUsage(gcp, { durationMs: 4000, memoryMb: 256 }).gbSeconds);
  });
});

describe('derived from the published rates (no provider example found)', () => {
  it('Cloud Run functions: 512 MB (0.333 vCPU) × 3M × 1 s', () => {
    // Memory 1.5M GiB-s − 360k free = 1.14M × $0.0000025 = $2.85; CPU 999k vCPU-s − 180k = 819k × $0.000024 = $19.656;
    // requests 1M beyond 2M free × $0.40/M = $0.40.
    const bill = monthlyBill(gcp, { invocations: 3e6, durationMs: 1000, memoryMb: 512 });
    expect([bill.memoryCost, bill.cpuCost, bill.invocationCost, bill.total]).toEqual([2.85, 19.66, 0.4, 22.91]);
  });

  it('Azure Flex Consumption: 2,048 MB instances × 3M × 1 s', () => {
    // 6M GB-s − 100k free = 5.9M × $0.000026 = $153.40; 2.75M executions × $0.40/M = $1.10.
    const bill = monthlyBill(flex, { invocations: 3e6, durationMs: 1000, memoryMb: 1500 });
    expect([bill.memoryCost, bill.invocationCost, bill.total]).toEqual([153.4, 1.1, 154.5]);
  });
});

describe('cost of invocations and runs', () => {
  it('prices one invocation beyond the free tier, and a million of them', () => {
    const usage = { durationMs: 120.4, memoryMb: 1024 };
    expect(invocationCost(aws, usage)).toBeCloseTo(0.2e-6 + 1 * 0.121 * 0.0000166667, 15);
    // GCP rounds 120.4 ms up to 200 ms and bills 0.583 vCPU for 1 GiB.
    expect(invocationCost(gcp, usage)).toBeCloseTo(0.4e-6 + 0.2 * 0.0000025 + 0.583 * 0.2 * 0.000024, 15);
    expect(costPerMillion(usage).aws).toBeCloseTo(invocationCost(aws, usage) * 1e6, 9);
  });

  it('sums a run per stage and in total, with user prices', () => {
    const records = [
      { function: 'preprocess', durationMs: 1000, memoryMb: 2048 },
      { function: 'preprocess', durationMs: 3000, memoryMb: 2048 },
      { function: 'train', durationMs: 60_000, memoryMb: 3008 },
      { function: 'evaluate', durationMs: 5000 },
    ];
    const cheap = withPrices({ aws: { perGbSecond: 0, perInvocation: 1 } }, DEFAULT_PRICES, '2030-01-01');
    const run = runCost(records, { stages: { preprocess: 'preprocess' }, prices: cheap });
    expect(run.asOf).toBe('2030-01-01');
    expect(run.stages.map((s) => [s.stage, s.invocations, s.computeMs])).toEqual([
      ['preprocess', 2, 4000],
      ['train', 1, 60_000],
      ['evaluate', 1, 5000],
    ]);
    expect(run.total.cost.aws).toBe(4);
    expect(run.total.cost.azure).toBeCloseTo(run.stages.reduce((n, s) => n + s.cost.azure, 0), 12);
    expect(run.stages[0]?.cost.azure).toBeCloseTo(2 * 0.2e-6 + 1.5 * (1 + 3) * 0.000016, 12);
  });

  it('refuses usage that makes no sense', () => {
    expect(() => invocationCost(aws, { durationMs: -1, memoryMb: 128 })).toThrow(/durationMs/);
  });
});
