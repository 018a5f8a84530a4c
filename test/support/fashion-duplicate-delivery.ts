import { describe, expect, it } from 'vitest';
import type { JsonValue, KeyValueStore, KvEntry } from 'polyfaas';
import { decodeResult } from '../../src/idempotency/result-codec.js';
import type { RuntimeHarness } from '../../src/testing/index.js';
import { MemoryBucket } from 'polyfaas/memory';
import type { EvaluationReport, PipelineHooks } from 'polyfaas/pipelines';
import { PIPELINE_BUCKET, readFeaturesManifest, REPORTS_PREFIX, TRAIN_JOBS_PREFIX } from 'polyfaas/pipelines';
import { fashionMnistApp } from '../../examples/fashion-mnist/app.js';
import { ingest } from '../../examples/fashion-mnist/data/ingest.js';
import { testImagePng } from '../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData, QUICK_TRAINING } from '../../examples/fashion-mnist/test-support.js';

/** Images per split: each upload is a storage event delivered twice over real HTTP/SDK calls, so keep them few. */
const IMAGES_PER_SPLIT = 120;
/**
 * Each split is preprocessed in chunks (48 images: three shards of 16), each its own invocation
 * on the cloud, so the chunk jobs, their duplicates and the once-only manifest run there too.
 */
const CHUNKING = { chunkSize: 40, examplesPerShard: 16 } as const;
const CHUNKS_PER_SPLIT = Math.ceil(IMAGES_PER_SPLIT / 48);

/** What one cloud's run of the suite needs: how apps start there, and the state store that cloud would bind. */
export interface DuplicateDeliverySetup {
  runtime: RuntimeHarness;
  /** A fresh store of the cloud's kind (DynamoDB, Redis, Azure Tables…), opened against its emulator. */
  openState(): Promise<KeyValueStore>;
}

/**
 * The Fashion-MNIST pipeline on a cloud adapter with its state store bound and every
 * storage event delivered twice by the platform stand-in: the duplicates of plan-training
 * and evaluate must be answered from their completed idempotency records, so there is
 * one train job, one model version and one report. The store is watched from outside
 * (a read returning a completed record is a replay), so the adapter under test is unchanged.
 */
export function runDuplicateDeliverySuite(label: string, setup: DuplicateDeliverySetup): void {
  describe(`Fashion-MNIST on ${label}, preprocessed in chunks, state store bound, every storage event delivered twice`, () => {
    it('runs once per step and replays the duplicates from the stored records', async () => {
      const run = await runChain(setup);
      try {
        // Each idempotent step ran once and its duplicate delivery was answered from the record it stored.
        expect(run.replays.get('plan-training')?.length).toBeGreaterThanOrEqual(1);
        const evaluate = run.replays.get('evaluate') ?? [];
        expect(evaluate.length).toBeGreaterThanOrEqual(1);
        for (const outcome of evaluate) expect(outcome).toMatchObject({ status: 'evaluated', report: { promoted: true } });

        const info = await run.rt.http({ method: 'GET', path: '/model' });
        expect(info.status).toBe(200);
        expect(await run.store.get('model-info/fashion-mnist/production')).toBeDefined();

        // A client's retry of POST /predict (same Idempotency-Key) gets the first answer back from the record.
        const predict = { method: 'POST', path: '/predict', headers: { 'content-type': 'image/png', 'idempotency-key': 'retry-1' }, body: await testImagePng(run.data, 0) };
        const first = await run.rt.http(predict);
        expect(first.status).toBe(200);
        const again = await run.rt.http(predict);
        expect(again.json()).toEqual(first.json());
        expect(run.replays.get('predict')).toMatchObject([{ status: 200 }]);
      } finally {
        await run.close();
      }
    }, 300_000);

    it('evaluate failing after its report and promotion is retried by the platform: still one report, the candidate promoted', async () => {
      let evaluations = 0;
      const run = await runChain(setup, {
        onEvaluated: () => {
          // The first attempt dies after every side effect, before its record is completed.
          if (++evaluations === 1) throw new Error('evaluate crashed after promoting');
        },
      });
      try {
        // The failed attempt stored nothing; the platform's retry found the report, finished, and stored that
        // outcome, which the duplicate delivery of the event then got back.
        expect(evaluations).toBe(1);
        const evaluate = run.replays.get('evaluate') ?? [];
        expect(evaluate.length).toBeGreaterThanOrEqual(1);
        for (const outcome of evaluate) expect(outcome).toEqual({ status: 'skipped', reason: 'already evaluated' });
        const [reportJson] = (await keys(run.bucket, REPORTS_PREFIX)).filter((k) => k.endsWith('.json'));
        const report = JSON.parse(new TextDecoder().decode((await run.bucket.get(reportJson as string)).body)) as EvaluationReport;
        expect(report.promoted).toBe(true);
        const info = await run.rt.http({ method: 'GET', path: '/model' });
        expect(info.json()).toMatchObject({ model: 'fashion-mnist', version: report.version });
      } finally {
        await run.close();
      }
    }, 300_000);
  });
}

/**
 * Start the app on the cloud with a watched state store, ingest, wait for the chain,
 * and check what must hold whatever was duplicated: no dead letters, one train job,
 * one model version, one report.
 */
async function runChain(setup: DuplicateDeliverySetup, hooks?: PipelineHooks) {
  const data = await loadFixtureData();
  const { store, replays } = watchReplays(await setup.openState());
  // The bucket binding is a placeholder: the harness binds the cloud's own bucket.
  const app = fashionMnistApp({ bucket: new MemoryBucket('placeholder'), state: store, training: { ...QUICK_TRAINING, epochs: 1 }, ...CHUNKING, ...(hooks ? { hooks } : {}) });
  const rt = await setup.runtime.start(app, { deliverTwice: true });
  const close = async () => {
    await rt.close();
    await store.close();
  };
  try {
    const bucket = rt.bucket(PIPELINE_BUCKET);
    await ingest(bucket, data, { limit: IMAGES_PER_SPLIT });
    await rt.idle();
    expect(rt.deadLetters()).toEqual([]);
    expect(await keys(bucket, TRAIN_JOBS_PREFIX)).toHaveLength(1);
    for (const split of ['train', 'test']) {
      // Every chunk job of the split ran (as its own invocation) and the manifest counts every image once.
      const jobs = (await keys(bucket, 'jobs/preprocess/')).filter((k) => k.includes(`/${split}/`));
      expect(jobs).toHaveLength(CHUNKS_PER_SPLIT);
      const manifest = await readFeaturesManifest(bucket, `features/fashion-mnist/${split}/manifest.json`);
      expect(manifest?.manifest).toMatchObject({ count: IMAGES_PER_SPLIT, inputs: { found: IMAGES_PER_SPLIT } });
    }
    expect((await keys(bucket, 'models/fashion-mnist/versions/')).filter((k) => k.endsWith('/manifest.json'))).toHaveLength(1);
    const reports = await keys(bucket, REPORTS_PREFIX);
    expect(reports.filter((k) => k.endsWith('.json'))).toHaveLength(1);
    expect(reports.filter((k) => k.endsWith('.html'))).toHaveLength(1);
    return { data, store, replays, rt, bucket, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `store` unchanged, plus per function the results of reads that found a completed idempotency record (`idem/<fn>/<key>`): the replays. */
function watchReplays(store: KeyValueStore): { store: KeyValueStore; replays: Map<string, unknown[]> } {
  const replays = new Map<string, unknown[]>();
  const get = async (key: string): Promise<KvEntry | undefined> => {
    const entry = await store.get(key);
    const value = entry?.value as { status?: unknown; result?: JsonValue } | undefined;
    const fn = /^idem\/([^/]+)\//.exec(key)?.[1];
    if (fn && value?.status === 'completed') replays.set(fn, [...(replays.get(fn) ?? []), decodeResult(value.result as JsonValue)]);
    return entry;
  };
  // Other methods bound to the store itself: a driver's private fields are not reachable through a proxy `this`.
  const watched = new Proxy(store, {
    get: (target, prop) => {
      if (prop === 'get') return get;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: watched, replays };
}

async function keys(bucket: { list(o: { prefix: string }): AsyncIterable<{ key: string }> }, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list({ prefix })) out.push(o.key);
  return out;
}
