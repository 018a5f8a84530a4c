import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket, MemoryKeyValueStore } from 'polyfaas/memory';
import type { EvaluationReport, PredictResponse } from 'polyfaas/pipelines';
import { PIPELINE_BUCKET, REPORTS_PREFIX, TRAIN_JOBS_PREFIX } from 'polyfaas/pipelines';
import { fashionMnistApp } from './app.js';
import { ingest } from './data/ingest.js';
import { FASHION_MNIST_CLASSES } from './data/labels.js';
import { testImagePng } from './demo-prediction.js';
import { loadFixtureData, QUICK_TRAINING } from './test-support.js';

async function keys(bucket: { list(o: { prefix: string }): AsyncIterable<{ key: string }> }, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list({ prefix })) out.push(o.key);
  return out;
}

describe('Fashion-MNIST pipeline on the memory runtime (every event delivered twice)', () => {
  it('ingests, preprocesses, trains, evaluates, promotes and serves', async () => {
    const data = await loadFixtureData();
    // Duplicates of plan-training and evaluate are replayed from here rather than run again.
    const state = new MemoryKeyValueStore('fashion-state');
    const rt = await createMemoryRuntime(fashionMnistApp({ bucket: new MemoryBucket('fashion'), state, training: QUICK_TRAINING }), {
      deliverTwice: true,
      retryDelayMs: 1,
    });

    const before = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: await testImagePng(data, 0) });
    expect(before.status).toBe(503);
    expect(before.json()).toMatchObject({ error: { code: 'Unavailable' } });

    const bucket = rt.bucket(PIPELINE_BUCKET);
    await ingest(bucket, data);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);

    // Idempotent under duplicate delivery: one run, one job, one candidate, one report.
    expect(await keys(bucket, TRAIN_JOBS_PREFIX)).toHaveLength(1);
    const versions = (await keys(bucket, 'models/fashion-mnist/versions/')).filter((k) => k.endsWith('/manifest.json'));
    expect(versions).toHaveLength(1);
    const reports = await keys(bucket, REPORTS_PREFIX);
    expect(reports.filter((k) => k.endsWith('.json'))).toHaveLength(1);
    expect(reports.filter((k) => k.endsWith('.html'))).toHaveLength(1);

    const report = JSON.parse(new TextDecoder().decode((await bucket.get(reports.find((k) => k.endsWith('.json')) as string)).body)) as EvaluationReport;
    expect(report.promoted).toBe(true);
    expect(report.metrics.count).toBe(1000);
    expect(report.metrics.accuracy).toBeGreaterThan(0.6);
    expect(report.metrics.perClass.map((c) => c.label)).toEqual([...FASHION_MNIST_CLASSES]);
    for (const c of report.metrics.perClass) expect(Object.keys(c).sort()).toEqual(['f1', 'label', 'precision', 'recall', 'support']);
    expect(report.metrics.macro).toEqual({ precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number) });
    expect(report.metrics.confusion).toHaveLength(10);
    expect(report.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    expect(report.history).toHaveLength(QUICK_TRAINING.epochs);

    const info = await rt.http({ method: 'GET', path: '/model' });
    expect(info.json()).toMatchObject({ model: 'fashion-mnist', version: report.version, labels: [...FASHION_MNIST_CLASSES] });
    // GET /model was answered through the state store's cache.
    expect(await state.get('model-info/fashion-mnist/production')).toBeDefined();

    // A held-out sample of real test images, sent as PNG uploads, mostly classified right.
    const sample = Array.from({ length: 100 }, (_, i) => i * 10);
    const answers = await Promise.all(
      sample.map(async (index) => {
        const res = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: await testImagePng(data, index) });
        expect(res.status).toBe(200);
        return { index, body: res.json<PredictResponse>() };
      }),
    );
    const right = answers.filter(({ index, body }) => body.predictions[0]?.classId === data.test.labels[index]);
    expect(right.length / sample.length).toBeGreaterThan(0.5);
    expect(answers[0]?.body).toMatchObject({ model: 'fashion-mnist', version: report.version });
    expect(answers[0]?.body.predictions).toHaveLength(3);
  }, 300_000);
});
