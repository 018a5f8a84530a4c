import type { Bucket } from '../../src/index.js';
import type { PredictResponse } from '../../pipelines/image-classification/index.js';

/**
 * POST the first uploaded test image back to the running server and say what
 * it answered, so the user sees the model work before trying it themselves.
 */
export async function samplePrediction(url: string, bucket: Bucket, testPrefix: string, classes: readonly string[]): Promise<string | undefined> {
  for await (const info of bucket.list({ prefix: testPrefix })) {
    const label = /\/(\d+)-[^/]*\/[^/]+$/.exec(info.key);
    if (!label) continue;
    const image = await bucket.get(info.key);
    const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': image.contentType ?? 'application/octet-stream' }, body: image.body });
    const top = ((await res.json()) as PredictResponse).predictions?.[0];
    const truth = classes[Number(label[1])];
    return top ? `POST /predict with a test image of ${truth} → ${top.label} (${(top.probability * 100).toFixed(1)}%)` : `POST /predict answered ${res.status}`;
  }
  return undefined;
}
