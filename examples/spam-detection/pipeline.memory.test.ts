import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket } from 'polyfaas/memory';
import type { ClassifyResponse, TextEvaluationReport, TrainingProgress } from 'polyfaas/pipelines';
import { textReportKey, trainingProgressKey, uploadTexts } from 'polyfaas/pipelines';
import { SPAM_DATASET, SPAM_TOKENIZER, spamApp } from './app.js';
import { loadFixture, QUICK_TRAINING } from './fixture.js';

async function keys(bucket: { list(o: { prefix: string }): AsyncIterable<{ key: string }> }, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list({ prefix })) out.push(o.key);
  return out;
}

describe('spam detection on the memory runtime (every event delivered twice)', () => {
  it('ingests, tokenizes, trains a GRU, evaluates with baselines, promotes and classifies', async () => {
    const messages = await loadFixture();
    const rt = await createMemoryRuntime(spamApp({ bucket: new MemoryBucket('spam'), training: QUICK_TRAINING }), { deliverTwice: true, retryDelayMs: 1 });
    const classify = (body: string, type = 'application/json') => rt.http({ method: 'POST', path: '/classify', headers: { 'content-type': type }, body });

    expect((await classify('{"text":"hello"}')).json()).toMatchObject({ error: { code: 'Unavailable' } });

    const bucket = rt.bucket('data');
    const summary = await uploadTexts(bucket, messages, { dataset: SPAM_DATASET, testRatio: 0.25, seed: 17 });
    expect(summary.splits).toEqual({ train: 240, test: 80 });
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);

    // Idempotent under duplicate delivery: one job, one candidate, one report.
    expect(await keys(bucket, 'jobs/train-text/')).toHaveLength(1);
    const manifests = (await keys(bucket, `models/${SPAM_DATASET}/versions/`)).filter((k) => k.endsWith('/manifest.json'));
    expect(manifests).toHaveLength(1);
    const version = manifests[0]!.split('/')[3]!;
    const report = JSON.parse(new TextDecoder().decode((await bucket.get(textReportKey(SPAM_DATASET, version, 'json'))).body)) as TextEvaluationReport;
    expect(report.promoted).toBe(true);
    expect(report.metrics.count).toBe(80);
    expect(report.metrics.labels).toEqual(['ham', 'spam']);
    expect(report.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(80);
    expect(report.metrics.rocAuc).toBeGreaterThan(0.5);
    expect(report.comparisons?.map((c) => c.name)).toEqual(['naive Bayes (multinomial)', 'bag-of-words dense net']);
    expect(report.comparisons?.[0]?.metrics.accuracy).toBeGreaterThan(0.8);
    expect(report.history).toHaveLength(QUICK_TRAINING.epochs);
    const html = new TextDecoder().decode((await bucket.get(textReportKey(SPAM_DATASET, version, 'html'))).body);
    expect(html).toContain('Compared on the same test split');

    // The tokenizer travels in the version's manifest.
    const manifest = JSON.parse(new TextDecoder().decode((await bucket.get(manifests[0]!)).body)) as { metadata: { tokenizer: { format: string; maxLength: number } } };
    expect(manifest.metadata.tokenizer).toMatchObject({ format: 'polyfaas.text-tokenizer/v1', maxLength: SPAM_TOKENIZER.maxLength });

    const one = await classify('Subject: cheap meds\nBuy now, limited offer, click here', 'text/plain');
    expect(one.status).toBe(200);
    const body = one.json<ClassifyResponse>();
    expect(body).toMatchObject({ model: SPAM_DATASET, version });
    expect(body.results).toHaveLength(1);
    expect(Object.keys(body.results[0]!.probabilities)).toEqual(['ham', 'spam']);

    const batch = await classify(JSON.stringify({ texts: messages.slice(0, 5).map((m) => m.text) }));
    expect(batch.json<ClassifyResponse>().results).toHaveLength(5);

    const errors = await Promise.all([
      classify('{"texts":[]}'),
      classify(JSON.stringify({ texts: Array.from({ length: 65 }, () => 'x') })),
      classify(JSON.stringify({ text: 'a'.repeat(20_001) })),
      classify('<p>hi</p>', 'text/html'),
      classify('{"text": 5}'),
    ]);
    expect(errors.map((r) => [r.status, r.json<{ error: { code: string } }>().error.code])).toEqual([
      [400, 'InvalidArgument'],
      [413, 'PayloadTooLarge'],
      [413, 'PayloadTooLarge'],
      [415, 'UnsupportedMediaType'],
      [400, 'InvalidArgument'],
    ]);
  }, 300_000);

  it('continues training across invocations from checkpoints when an invocation runs out of time', async () => {
    const messages = await loadFixture();
    const training = { ...QUICK_TRAINING, epochs: 2, invocationBudgetMs: 1500, checkpointEverySteps: 2, baselines: false };
    const rt = await createMemoryRuntime(spamApp({ bucket: new MemoryBucket('spam-resume'), training }), { retryDelayMs: 1 });
    const bucket = rt.bucket('data');
    await uploadTexts(bucket, messages, { dataset: SPAM_DATASET, testRatio: 0.25, seed: 17 });
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    const jobs = await keys(bucket, 'jobs/train-text/');
    expect(jobs.length).toBeGreaterThan(1);
    const manifests = (await keys(bucket, `models/${SPAM_DATASET}/versions/`)).filter((k) => k.endsWith('/manifest.json'));
    expect(manifests).toHaveLength(1);
    const version = manifests[0]!.split('/')[3]!;
    const report = JSON.parse(new TextDecoder().decode((await bucket.get(textReportKey(SPAM_DATASET, version, 'json'))).body)) as TextEvaluationReport;
    expect(report.history.map((h) => h.epoch)).toEqual([0, 1]);
    expect(report.comparisons).toEqual([]);
    // The finished run cleared its checkpoint.
    expect((await keys(bucket, 'runs/')).filter((k) => k.includes('/checkpoint/'))).toEqual([]);
    // Its progress, published across the invocations as the image pipeline does (what the console's Training page shows).
    const runId = jobs[0]!.split('/')[2]!;
    const progress = JSON.parse(new TextDecoder().decode((await bucket.get(trainingProgressKey(runId))).body)) as TrainingProgress;
    expect(progress).toMatchObject({ format: 'polyfaas.train-progress/v1', runId, model: SPAM_DATASET, state: 'finished', version, etaSeconds: 0 });
    expect(progress.history.map((h) => h.epoch)).toEqual([0, 1]);
    expect(progress.step).toBe(progress.totalSteps);
    expect(progress.points.length).toBeGreaterThan(1);
    expect(progress.points.every((p, i) => i === 0 || p.step > progress.points[i - 1]!.step)).toBe(true);
  }, 300_000);
});
