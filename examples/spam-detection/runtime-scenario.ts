import { expect } from 'vitest';
import { MemoryBucket } from 'polyfaas/memory';
import type { ClassifyResponse, TextEvaluationReport } from 'polyfaas/pipelines';
import { textReportKey, uploadTexts } from 'polyfaas/pipelines';
import type { RuntimeHarness } from 'polyfaas/testing';
import { SPAM_DATASET, spamApp } from './app.js';
import { loadFixture, QUICK_TRAINING } from './fixture.js';

/** What {@link runSpamOnRuntime} measured, for the test's own checks and its log line. */
export interface SpamRuntimeOutcome {
  version: string;
  /** Upload to promoted model, in ms. */
  pipelineMs: number;
}

/**
 * The spam app end to end on one runtime harness (the same harnesses the
 * runtime conformance suites use): the committed 320-message fixture uploaded
 * with `uploadTexts` → preprocess → train (tiny epochs) → evaluate → promote,
 * then `POST /classify` through the adapter's HTTP transport, text and JSON,
 * and a coded error. The app is the one `examples/spam-detection/{aws,gcp,azure}.ts`
 * deploy; the harness rebinds its bucket.
 */
export async function runSpamOnRuntime(harness: RuntimeHarness): Promise<SpamRuntimeOutcome> {
  const messages = await loadFixture();
  const rt = await harness.start(spamApp({ bucket: new MemoryBucket('placeholder'), training: QUICK_TRAINING }), {});
  try {
    const classify = (body: string, type = 'application/json') => rt.http({ method: 'POST', path: '/classify', headers: { 'content-type': type }, body });
    const started = Date.now();
    const summary = await uploadTexts(rt.bucket('data'), messages, { dataset: SPAM_DATASET, testRatio: 0.25, seed: 17 });
    expect(summary.splits).toEqual({ train: 240, test: 80 });
    await rt.idle();
    const pipelineMs = Date.now() - started;
    expect(rt.deadLetters().map((d) => `${d.function}: ${d.error.code} ${d.error.message}`)).toEqual([]);

    const info = await rt.http({ method: 'GET', path: '/model' });
    expect(info.status, info.text()).toBe(200);
    const version = info.json<{ version: string }>().version;
    const report = JSON.parse(new TextDecoder().decode((await rt.bucket('data').get(textReportKey(SPAM_DATASET, version, 'json'))).body)) as TextEvaluationReport;
    expect(report).toMatchObject({ promoted: true, metrics: { count: 80, labels: ['ham', 'spam'] } });
    expect(report.history).toHaveLength(QUICK_TRAINING.epochs);
    expect(report.comparisons?.map((c) => c.name)).toEqual(['naive Bayes (multinomial)', 'bag-of-words dense net']);

    const plain = await classify('Subject: cheap meds\nBuy now, limited offer, click here', 'text/plain; charset=utf-8');
    expect(plain.status, plain.text()).toBe(200);
    const one = plain.json<ClassifyResponse>();
    expect(one).toMatchObject({ model: SPAM_DATASET, version });
    expect(Object.keys(one.results[0]?.probabilities ?? {})).toEqual(['ham', 'spam']);

    const batch = await classify(JSON.stringify({ texts: messages.slice(0, 4).map((m) => m.text) }));
    expect(batch.status, batch.text()).toBe(200);
    const answers = batch.json<ClassifyResponse>().results;
    expect(answers).toHaveLength(4);
    for (const a of answers) expect(a.label).toMatch(/^(ham|spam)$/);

    const tooMany = await classify(JSON.stringify({ texts: Array.from({ length: 65 }, () => 'x') }));
    expect([tooMany.status, tooMany.json<{ error: { code: string } }>().error.code]).toEqual([413, 'PayloadTooLarge']);
    return { version, pipelineMs };
  } finally {
    await rt.close();
  }
}
