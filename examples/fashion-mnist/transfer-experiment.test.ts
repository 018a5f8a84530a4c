import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from 'polyfaas/model';
import { loadFixtureData } from './test-support.js';
import { DEFAULT_BUDGET, runTransferExperiment, transferTable } from './transfer-experiment.js';

beforeAll(async () => {
  await initBackend({ logger: () => {} });
});

describe('transfer experiment (committed real-image subset, tiny budget)', () => {
  it('measures transfer and from-scratch training on the same N per class, both well above chance, and tabulates them', async () => {
    const budget = { ...DEFAULT_BUDGET, sourceExamples: 600, sourceEpochs: 1, perClass: [10], seeds: [1], scratchEpochs: 4, headEpochs: 20 };
    const lines: string[] = [];
    const result = await runTransferExperiment(await loadFixtureData(), budget, (l) => lines.push(l));
    // The fixture's test split is class-balanced: 100 images per class, so 500 of classes 5–9.
    expect(result.testExamples).toBe(500);
    expect(result.source.examples).toBe(600);
    expect(result.rows.map((r) => [r.method, r.perClass, r.seed])).toEqual([['transfer', 10, 1], ['transfer-conv', 10, 1], ['scratch', 10, 1]]);
    for (const row of result.rows) {
      expect(row.accuracy).toBeGreaterThan(0.35); // chance is 0.2
      expect(row.trainSeconds).toBeGreaterThan(0);
    }
    const table = transferTable(result, budget).split('\n');
    expect(table).toHaveLength(5);
    expect(table[2]).toContain('penultimate layer (128 features)');
    expect(table[3]).toContain('flatten layer (1,600 conv features)');
    expect(table[4]).toContain('from scratch');
    expect(lines.at(-1)).toMatch(/^N=10 seed 1: transfer \d+\.\d% in .*, transfer-conv .*, scratch /);
  }, 120_000);
});
