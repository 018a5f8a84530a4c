import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, invocationCost, withPrices } from '../../src/index.js';
import { classificationMetrics } from './metrics.js';
import { renderReportHtml } from './report.js';
import { pipelineRunCost, renderRunCostText } from './run-cost.js';

const records = [
  { function: 'preprocess', durationMs: 120, memoryMb: 2048 },
  { function: 'preprocess', durationMs: 80, memoryMb: 2048 },
  { function: 'preprocess-chunk', durationMs: 300, memoryMb: 2048 },
  { function: 'plan-training', durationMs: 15, memoryMb: 512 },
  { function: 'train', durationMs: 42_000, memoryMb: 3008 },
  { function: 'evaluate', durationMs: 2500, memoryMb: 2048 },
  { function: 'evaluate-chunk', durationMs: 700, memoryMb: 2048 },
  { function: 'predict', durationMs: 9, memoryMb: 1024 },
  { function: 'predict', durationMs: 7, memoryMb: 1024 },
  { function: 'predict', durationMs: 30, memoryMb: 1024 },
  { function: 'status', durationMs: 1 },
];

describe('pipelineRunCost', () => {
  const cost = pipelineRunCost(records);

  it('groups preprocess (with its chunks), train (with its planning) and evaluate (with its chunks), with their compute time and cost on each cloud', () => {
    expect(cost.stages.map((s) => [s.stage, s.invocations, s.computeMs])).toEqual([
      ['preprocess', 3, 500],
      ['train', 2, 42_015],
      ['evaluate', 2, 3200],
    ]);
    const train = cost.stages[1];
    const aws = DEFAULT_PRICES.platforms.aws;
    expect(train?.cost.aws).toBeCloseTo(invocationCost(aws, { durationMs: 15, memoryMb: 512 }) + invocationCost(aws, { durationMs: 42_000, memoryMb: 3008 }), 12);
    expect(cost.total.invocations).toBe(7);
  });

  it('counts a data-parallel run’s shard and reduce invocations as training', () => {
    const parallel = pipelineRunCost([
      { function: 'plan-training', durationMs: 10, memoryMb: 512 },
      { function: 'train-shard', durationMs: 4000, memoryMb: 3008 },
      { function: 'train-shard', durationMs: 4200, memoryMb: 3008 },
      { function: 'train-reduce', durationMs: 300, memoryMb: 3008 },
    ]);
    expect(parallel.stages.map((s) => [s.stage, s.invocations, s.computeMs])).toEqual([
      ['preprocess', 0, 0],
      ['train', 4, 8510],
      ['evaluate', 0, 0],
    ]);
    expect(parallel.invocations.map((r) => r.function)).toEqual(['plan-training', 'train-shard', 'train-shard', 'train-reduce']);
  });

  it('prices predict per million requests at the median measured latency', () => {
    expect(cost.predict?.latencyMs).toBe(9);
    expect(cost.predict?.perMillion.gcp).toBeCloseTo(1e6 * invocationCost(DEFAULT_PRICES.platforms.gcp, { durationMs: 9, memoryMb: 1024 }), 6);
  });

  it('can be priced again from what it stores, with the user’s prices', () => {
    const again = pipelineRunCost(cost.invocations, withPrices({ azure: { perGbSecond: 0 } }, DEFAULT_PRICES, '2031-01-01'));
    expect(again.pricesAsOf).toBe('2031-01-01');
    expect(again.stages.map((s) => s.computeMs)).toEqual(cost.stages.map((s) => s.computeMs));
    expect(again.total.cost.azure).toBeCloseTo(7 * 0.2e-6, 12);
  });

  it('renders as text and inside the HTML report', () => {
    const text = renderRunCostText(cost);
    expect(text).toMatch(/^stage +calls +compute +AWS Lambda +Cloud Run fn +Azure Cons\. +Azure Flex/);
    expect(text).toMatch(/train +2 +42\.0 s/);
    expect(text).toContain('predict /1M @9.0 ms');
    const html = renderReportHtml(
      { model: 'm', version: 'v1', promoted: true, reason: 'first', metrics: classificationMetrics([0, 1], [0, 1], ['a', 'b']), history: [], evaluatedAt: '2026-12-06T00:00:00Z' },
      cost,
    );
    expect(html).toContain('Compute and cost of this run');
    expect(html).toContain('predict, per million at 9.0 ms');
  });
});
