import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { createMemoryRuntime, MemoryBucket } from '../../adapters/memory/index.js';
import { PIPELINE_BUCKET } from '../../pipelines/image-classification/index.js';
import { fashionMnistApp } from '../../examples/fashion-mnist/app.js';
import { ingest } from '../../examples/fashion-mnist/data/ingest.js';
import type { FashionMnist } from '../../examples/fashion-mnist/data/source.js';

/** Where the pipeline keeps models (registry, versions, aliases). */
export const MODELS_PREFIX = 'models/';

/** A promoted Fashion-MNIST model, trained in memory, in the pipeline's bucket layout. */
export interface QuickModel {
  /** The pipeline bucket after the run (models, features, reports…). */
  bucket: Bucket;
  /** The production version `/model` reports. */
  version: string;
}

/**
 * Run the whole Fashion-MNIST pipeline on the memory runtime over the committed
 * fixture with a tiny training config (1 epoch over 500 examples: seconds), so
 * cloud e2e tests have a real promoted model to serve.
 */
export async function trainQuickModel(data: FashionMnist): Promise<QuickModel> {
  const bucket = new MemoryBucket('quick-model');
  const rt = await createMemoryRuntime(fashionMnistApp({ bucket, training: { epochs: 1, limit: 500, batchSize: 32 } }), { retryDelayMs: 1 });
  await ingest(rt.bucket(PIPELINE_BUCKET), data);
  await rt.idle();
  if (rt.deadLetters.length) throw new PolyfaasError('Internal', `quick training failed: ${JSON.stringify(rt.deadLetters.map((d) => d.error))}`);
  const info = await rt.http({ method: 'GET', path: '/model' });
  const version = info.status === 200 ? info.json<{ version?: string }>().version : undefined;
  if (!version) throw new PolyfaasError('Internal', `quick training promoted no model: GET /model → ${info.status} ${info.text()}`);
  return { bucket: rt.bucket(PIPELINE_BUCKET), version };
}

/** Copy every object under `prefix` from one bucket to another (same keys, content type and metadata). */
export async function copyPrefix(from: Bucket, to: Bucket, prefix: string): Promise<number> {
  let copied = 0;
  for await (const info of from.list({ prefix })) {
    const object = await from.get(info.key);
    await to.put(info.key, object.body, { contentType: object.contentType, metadata: { ...object.metadata } });
    copied++;
  }
  return copied;
}
