import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { map } from '../../src/index.js';
import type { FrameworkProcess } from '../../test/gcp/framework-process.js';
import { startFrameworkProcess } from '../../test/gcp/framework-process.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { GcsBucket } from './index.js';
import { cloudFunctionInvoker } from './http-invoker.js';

/** map over two real Functions Framework processes of the same function, results through a GCS stand-in. */
let standIn: GcsStandIn;
let servers: FrameworkProcess[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  standIn = await GcsStandIn.start();
  standIn.createBucket('map-bucket');
  const start = () =>
    startFrameworkProcess({
      source: resolve(import.meta.dirname, 'test-support/map-app.ts'),
      target: 'square',
      nodeArgs: ['--import', 'tsx'],
      env: { POLYFAAS_BUCKET_DATA: 'gs://map-bucket/m', STORAGE_EMULATOR_HOST: standIn.url, GOOGLE_CLOUD_PROJECT: 'test', POLYFAAS_LOG_LEVEL: 'silent' },
    });
  servers = await Promise.all([start(), start()]);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await standIn?.close();
});

describe('map over Cloud Run functions endpoints (Functions Framework processes)', () => {
  it('posts Pub/Sub CloudEvents with an identity token and reads results and coded failures from the bucket', async () => {
    const bucket = new GcsBucket('map-bucket', { prefix: 'm/', storage: { apiEndpoint: standIn.url, projectId: 'test' } });
    let turn = 0;
    const invoker = cloudFunctionInvoker({
      // Two instances of one function, as Cloud Run scales out: spread the calls.
      url: () => (servers[turn++ % servers.length] as FrameworkProcess).url,
      idToken: async (url) => {
        tokens.push(url);
        return 'test-identity-token';
      },
    });
    const items = Array.from({ length: 24 }, (_, n) => ({ n, failFirst: n % 8 === 5, invalid: n === 23 }));
    const run = await map<(typeof items)[number], { square: number; launch: number; pid: number }>('square', items, { invoker, bucket, concurrency: 6, backoffMs: 5, pollMs: 10, stragglers: false });
    expect(run.items.slice(0, 23).map((i) => i.ok && i.value.square)).toEqual(items.slice(0, 23).map((i) => i.n * i.n));
    expect(run.items[5]).toMatchObject({ ok: true, value: { launch: 2 }, launches: 2 });
    const last = run.items[23];
    expect(last?.ok === false && [last.error.code, last.error.message, last.launches]).toEqual(['InvalidArgument', 'item 23 is invalid', 1]);
    expect(new Set(run.items.slice(0, 23).map((i) => i.ok && i.value.pid)).size).toBe(2);
    expect(tokens.length).toBe(run.stats.launches);
  }, 60_000);

  it('fails an invocation the endpoint refuses with a coded, retried error', async () => {
    const bucket = new GcsBucket('map-bucket', { prefix: 'm/', storage: { apiEndpoint: standIn.url, projectId: 'test' } });
    const invoker = cloudFunctionInvoker({ url: () => `${(servers[0] as FrameworkProcess).url}/`, fetch: async () => new Response('busy', { status: 503 }) });
    const run = await map('square', [{ n: 1 }], { invoker, bucket, retries: 1, backoffMs: 1 });
    expect(run.items[0]?.ok === false && [run.items[0].error.code, run.items[0].launches]).toEqual(['Unavailable', 2]);
  });
});
