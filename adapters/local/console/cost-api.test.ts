/**
 * `GET api/cost` on a real `serve()`: recent invocations priced per function
 * and cloud with the console's price table, stored run costs priced again
 * with it, broken run costs reported rather than failing the page, and the
 * read scope enough to see it all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationFacts } from '../../../src/index.js';
import { DEFAULT_PRICES, defineApp, defineFunction, generateApiKey, hashApiKey, json, withPrices } from '../../../src/index.js';
import { runCostKey } from '../../../pipelines/image-classification/jobs.js';
import { pipelineRunCost } from '../../../pipelines/shared/run-cost.js';
import type { LocalServer } from '../serve.js';
import { serve } from '../serve.js';

/** The console's table: AWS memory at twice the default rate, dated apart, so re-pricing shows. */
const PRICES = withPrices({ aws: { perGbSecond: DEFAULT_PRICES.platforms.aws.perGbSecond * 2 } }, DEFAULT_PRICES, '2031-01-01');
/** A run as the pipeline records it: stage functions with their configured memory, and predictions. */
const RUN: InvocationFacts[] = [
  { function: 'preprocess', durationMs: 1200, memoryMb: 2048 },
  { function: 'plan-training', durationMs: 40 },
  { function: 'train', durationMs: 30_000, memoryMb: 3008 },
  { function: 'train', durationMs: 12_500, memoryMb: 3008 },
  { function: 'evaluate', durationMs: 2100, memoryMb: 2048 },
  ...[7, 9, 8, 12, 6].map((durationMs) => ({ function: 'predict', durationMs, memoryMb: 1024 })),
];
const readerKey = generateApiKey();

let dir: string;
let server: LocalServer;
let authServer: LocalServer;

const app = (name: string, root: string) =>
  defineApp({
    name,
    buckets: { data: pathToFileURL(root).href },
    functions: [
      defineFunction({ name: 'sized', memoryMb: 512, trigger: { type: 'http', method: 'GET', path: '/sized' }, handler: () => json({ ok: true }) }),
      defineFunction({ name: 'unsized', trigger: { type: 'http', method: 'GET', path: '/unsized' }, handler: () => json({ ok: true }) }),
    ],
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-console-cost-'));
  server = await serve(app('cost-test', dir), { schedules: false, console: { prices: PRICES } });
  const bucket = server.bucket('data');
  await bucket.put(runCostKey('toy', 'v1'), JSON.stringify(pipelineRunCost(RUN)), { contentType: 'application/json' });
  await bucket.put(runCostKey('toy', 'v2'), JSON.stringify({ invocations: [{ function: 3 }] }), { contentType: 'application/json' });
  await bucket.put(runCostKey('toy', 'v3'), 'not json', { contentType: 'application/json' });
  for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/sized`)).status).toBe(200);
  expect((await fetch(`${server.url}/unsized`)).status).toBe(200);
  await server.idle();
  authServer = await serve(
    { ...app('cost-auth', dir), auth: { apiKeys: { env: false, keys: [{ id: 'reader', sha256: hashApiKey(readerKey), scopes: ['console:read'] }] } } },
    { schedules: false },
  );
});
afterAll(async () => {
  await server?.close();
  await authServer?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  invocations: number;
  computeMs: number;
  cost: Record<string, number>;
}
interface CostBody {
  asOf: string;
  platforms: { platform: string; label: string; sources: { url: string; note: string }[] }[];
  recent: { functions: (Row & { function: string })[]; total: Row; withoutMemory: number; assumedMemoryMb: number };
  runs: ({ model: string; version: string; storedPricesAsOf?: string } & { cost?: { pricesAsOf: string; stages: (Row & { stage: string })[]; total: Row; predict?: { perMillion: Record<string, number> }; invocations?: unknown }; error?: string })[];
}

describe('console cost API', () => {
  it('prices recent invocations per function on each cloud with the console’s table, from the observer’s records', async () => {
    const body = (await (await fetch(`${server.consoleUrl}api/cost`)).json()) as CostBody;
    expect(body.asOf).toBe('2031-01-01');
    expect(body.platforms.map((p) => p.platform)).toEqual(['aws', 'gcp', 'azure', 'azure-flex']);
    for (const p of body.platforms) expect(p.sources.length, p.platform).toBeGreaterThan(0);
    expect(body.platforms.flatMap((p) => p.sources.map((s) => new URL(s.url).protocol))).toEqual(expect.arrayContaining(['https:']));
    const { records } = (await (await fetch(`${server.consoleUrl}api/invocations`)).json()) as { records: { function: string; durationMs: number; memoryMb?: number }[] };
    const sized = body.recent.functions.find((f) => f.function === 'sized');
    const sizedRecords = records.filter((r) => r.function === 'sized');
    expect(sized?.invocations).toBe(3);
    expect(sizedRecords.every((r) => r.memoryMb === 512)).toBe(true);
    // AWS by its published formula: per request, plus GB-s of configured memory over the duration rounded up to 1 ms.
    const aws = sizedRecords.reduce((sum, r) => sum + 0.2e-6 + (512 / 1024) * (Math.max(1, Math.ceil(r.durationMs)) / 1000) * PRICES.platforms.aws.perGbSecond, 0);
    expect(sized?.cost.aws).toBeCloseTo(aws, 15);
    for (const platform of ['aws', 'gcp', 'azure', 'azure-flex']) {
      expect(sized?.cost[platform], platform).toBeGreaterThan(0);
      expect(body.recent.total.cost[platform]).toBeGreaterThan(sized?.cost[platform] ?? 0);
    }
    expect(body.recent.total.invocations).toBe(records.length);
    expect(body.recent.withoutMemory).toBe(records.filter((r) => r.memoryMb === undefined).length);
    expect(body.recent.withoutMemory).toBeGreaterThanOrEqual(1);
    expect(body.recent.assumedMemoryMb).toBe(1024);
  });

  it('prices each stored run again with the current table, and reports the run costs it cannot read', async () => {
    const body = (await (await fetch(`${server.consoleUrl}api/cost`)).json()) as CostBody;
    const byVersion = new Map(body.runs.map((r) => [r.version, r]));
    const v1 = byVersion.get('v1');
    const stored = pipelineRunCost(RUN);
    const repriced = pipelineRunCost(RUN, PRICES);
    expect(v1?.storedPricesAsOf).toBe(DEFAULT_PRICES.asOf);
    expect(v1?.cost?.pricesAsOf).toBe('2031-01-01');
    expect(v1?.cost?.stages.map((s) => s.stage)).toEqual(['preprocess', 'train', 'evaluate']);
    expect(v1?.cost?.stages.find((s) => s.stage === 'train')?.invocations).toBe(3);
    expect(v1?.cost?.total.cost).toEqual(repriced.total.cost);
    expect(v1?.cost?.total.cost.aws).toBeGreaterThan(stored.total.cost.aws);
    expect(v1?.cost?.total.cost.gcp).toBeCloseTo(stored.total.cost.gcp, 15);
    expect(v1?.cost?.predict?.perMillion).toEqual(repriced.predict?.perMillion);
    // The invocations stay in the bucket; the page gets the table.
    expect(v1?.cost?.invocations).toBeUndefined();
    expect(byVersion.get('v2')?.error).toBe('Invocation 0 needs a function name and a durationMs >= 0');
    expect(byVersion.get('v3')?.error).toBe('Not JSON');
    expect(JSON.stringify(body)).not.toContain(dir);
  });

  it('needs only the read scope on an app with auth', async () => {
    expect((await fetch(`${authServer.consoleUrl}api/cost`)).status).toBe(401);
    const res = await fetch(`${authServer.consoleUrl}api/cost`, { headers: { authorization: `Bearer ${readerKey}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CostBody;
    expect(body.asOf).toBe(DEFAULT_PRICES.asOf);
    expect(body.runs.find((r) => r.version === 'v1')?.cost?.total.cost).toEqual(pipelineRunCost(RUN).total.cost);
  });
});
