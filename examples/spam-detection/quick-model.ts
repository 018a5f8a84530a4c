import type { Bucket } from 'polyfaas';
import { createMemoryRuntime, MemoryBucket } from 'polyfaas/memory';
import { uploadTexts } from 'polyfaas/pipelines';
import { SPAM_DATASET, spamApp } from './app.js';
import { loadFixture, QUICK_TRAINING } from './fixture.js';

/**
 * A promoted spam model for tests that serve one from a cloud's storage: the
 * pipeline run on the memory runtime over the committed fixture (tiny
 * training, no baselines: seconds), then everything under `models/` copied
 * into `target`. Returns the production version.
 */
export async function placeQuickSpamModel(target: Bucket): Promise<string> {
  const source = new MemoryBucket('quick-spam-model');
  const rt = await createMemoryRuntime(spamApp({ bucket: source, training: { ...QUICK_TRAINING, baselines: false } }), { retryDelayMs: 1 });
  await uploadTexts(rt.bucket('data'), await loadFixture(), { dataset: SPAM_DATASET, testRatio: 0.25, seed: 17 });
  await rt.idle();
  if (rt.deadLetters.length) throw new Error(`quick training failed: ${JSON.stringify(rt.deadLetters.map((d) => d.error))}`);
  const info = await rt.http({ method: 'GET', path: '/model' });
  if (info.status !== 200) throw new Error(`quick training promoted no model: GET /model → ${info.status} ${info.text()}`);
  for await (const obj of source.list({ prefix: 'models/' })) {
    const { body, contentType, metadata } = await source.get(obj.key);
    await target.put(obj.key, body, { contentType, metadata: { ...metadata } });
  }
  return info.json<{ version: string }>().version;
}
