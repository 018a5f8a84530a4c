import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, invocationCost } from '../../src/index.js';
import { pipelineRunCost } from '../../pipelines/shared/run-cost.js';
import { commands, printHelp, runCommand } from '../registry.js';

function capture() {
  const c = { out: '', err: '', io: { out: { write: (s: string) => ((c.out += s), true) }, err: { write: (s: string) => ((c.err += s), true) }, printHelp } };
  return c;
}

describe('polyfaas cost', () => {
  let dir: string;
  const records = [
    { function: 'preprocess', durationMs: 400, memoryMb: 2048 },
    { function: 'train', durationMs: 90_000, memoryMb: 3008 },
    { function: 'evaluate', durationMs: 3000, memoryMb: 2048 },
    { function: 'predict', durationMs: 12, memoryMb: 1024 },
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-cost-'));
    await writeFile(join(dir, 'run.cost.json'), JSON.stringify(pipelineRunCost(records)));
    await writeFile(join(dir, 'invocations.json'), JSON.stringify(records));
    await writeFile(join(dir, 'prices.json'), JSON.stringify({ asOf: '2027-01-01', aws: { perGbSecond: 0, perInvocation: 0.000001 } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints a stored run cost: stages, compute time, each cloud, predict per million', async () => {
    const c = capture();
    expect(await runCommand(['cost', join(dir, 'run.cost.json')], commands, c.io)).toBe(0);
    expect(c.out).toMatch(/train +1 +90\.0 s/);
    const trainAws = invocationCost(DEFAULT_PRICES.platforms.aws, { durationMs: 90_000, memoryMb: 3008 });
    expect(c.out).toContain(`$${trainAws.toFixed(2)}`);
    expect(c.out).toContain('predict /1M @12.0 ms');
    expect(c.out).toContain(`prices as of ${DEFAULT_PRICES.asOf}`);
  });

  it('prices raw invocation records with the user’s prices, as JSON', async () => {
    const c = capture();
    expect(await runCommand(['cost', join(dir, 'invocations.json'), '--prices', join(dir, 'prices.json'), '--json'], commands, c.io)).toBe(0);
    const cost = JSON.parse(c.out) as { pricesAsOf: string; total: { cost: { aws: number } } };
    expect(cost.pricesAsOf).toBe('2027-01-01');
    expect(cost.total.cost.aws).toBeCloseTo(3 * 0.000001, 12);
  });

  it('fails with a coded message for a missing file or a bad price', async () => {
    const missing = capture();
    expect(await runCommand(['cost', join(dir, 'nope.json')], commands, missing.io)).toBe(1);
    expect(missing.err).toContain('Cannot read nope.json');
    expect(missing.err).not.toContain(dir);
    await writeFile(join(dir, 'bad-prices.json'), JSON.stringify({ aws: { perGbSecond: 'cheap' } }));
    const bad = capture();
    expect(await runCommand(['cost', join(dir, 'invocations.json'), '--prices', join(dir, 'bad-prices.json')], commands, bad.io)).toBe(1);
    expect(bad.err).toContain('aws.perGbSecond must be');
  });
});
