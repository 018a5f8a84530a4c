import { createMemoryRuntime, MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { fashionMnistApp } from '../../examples/fashion-mnist/app.js';
import { ingest } from '../../examples/fashion-mnist/data/ingest.js';
import { loadFixtureData, QUICK_TRAINING } from '../../examples/fashion-mnist/test-support.js';

/**
 * Train a small Fashion-MNIST model on the memory runtime (the fixture data,
 * 500 images per split) and copy everything under `models/` into `target`, so a
 * cloud function can serve it. Returns the copied keys.
 */
export async function placeTrainedModel(target: Bucket): Promise<string[]> {
  const source = new MemoryBucket('gcp-model');
  const rt = await createMemoryRuntime(fashionMnistApp({ bucket: source, training: QUICK_TRAINING }), { retryDelayMs: 1 });
  await ingest(rt.bucket('data'), await loadFixtureData(), { limit: 500 });
  await rt.idle();
  if (rt.deadLetters.length) throw new Error(`Training failed: ${JSON.stringify(rt.deadLetters.map((d) => d.error))}`);
  const keys: string[] = [];
  for await (const obj of source.list({ prefix: 'models/' })) {
    const { body, contentType, metadata } = await source.get(obj.key);
    await target.put(obj.key, body, { contentType, metadata: { ...metadata } });
    keys.push(obj.key);
  }
  if (keys.length === 0) throw new Error('Training produced no model');
  return keys;
}
