import { describe, expect, it } from 'vitest';
import { createStorageEvent } from 'polyfaas';
import { createMemoryRuntime, MemoryBucket } from 'polyfaas/memory';
import type { EvaluationReport } from 'polyfaas/pipelines';
import { PIPELINE_BUCKET, REPORTS_PREFIX } from 'polyfaas/pipelines';
import { fashionMnistApp } from './app.js';
import { ingest } from './data/ingest.js';
import { loadFixtureData, QUICK_TRAINING } from './test-support.js';

async function keys(bucket: { list(o: { prefix: string }): AsyncIterable<{ key: string }> }, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list({ prefix })) out.push(o.key);
  return out;
}

const withoutTime = (bytes: Uint8Array) => {
  const { evaluatedAt: _evaluatedAt, ...report } = JSON.parse(new TextDecoder().decode(bytes)) as EvaluationReport;
  return report;
};

describe('Fashion-MNIST with evaluationChunkSize (every event delivered twice)', () => {
  it('scores the trained CNN on the 1,000 test images in chunk invocations and reports what one invocation reports', async () => {
    const data = await loadFixtureData();
    const bucket = new MemoryBucket('fashion');
    // Test shards of 100 images, chunks of 300: four evaluate-chunk invocations.
    const rt = await createMemoryRuntime(fashionMnistApp({ bucket, training: QUICK_TRAINING, examplesPerShard: 100, evaluationChunkSize: 250 }), { deliverTwice: true, retryDelayMs: 1 });
    await ingest(rt.bucket(PIPELINE_BUCKET), data);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    expect(await keys(bucket, 'jobs/evaluate/')).toHaveLength(4);
    const [reportKey, ...more] = (await keys(bucket, REPORTS_PREFIX)).filter((k) => k.endsWith('.json'));
    expect(more).toEqual([]);
    const chunked = withoutTime((await bucket.get(reportKey!)).body);
    expect(chunked).toMatchObject({ promoted: true, metrics: { count: 1000 } });

    // The same version judged in one invocation, from the state before its evaluation (no report, no alias).
    const before = new MemoryBucket('fashion-one');
    for (const key of await keys(bucket, '')) {
      if (key.startsWith(REPORTS_PREFIX) || key.startsWith('models/fashion-mnist/aliases/')) continue;
      const obj = await bucket.get(key);
      await before.put(key, obj.body, { contentType: obj.contentType ?? 'application/octet-stream' });
    }
    const one = await createMemoryRuntime(fashionMnistApp({ bucket: before, training: QUICK_TRAINING, examplesPerShard: 100 }), { retryDelayMs: 1 });
    await one.invoke('evaluate', createStorageEvent({ kind: 'created', bucket: PIPELINE_BUCKET, key: `models/fashion-mnist/versions/${chunked.version}/manifest.json` }));
    expect(withoutTime((await before.get(reportKey!)).body)).toEqual(chunked);
  }, 120_000);
});
