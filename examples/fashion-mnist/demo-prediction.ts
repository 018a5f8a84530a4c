import sharp from 'sharp';
import type { LocalServer } from 'polyfaas/local';
import type { PredictResponse } from 'polyfaas/pipelines';
import { FASHION_MNIST_CLASSES } from './data/labels.js';
import type { FashionMnist } from './data/source.js';

/** The PNG of test image `index`, as a client would upload it. */
export async function testImagePng(data: FashionMnist, index: number): Promise<Uint8Array> {
  const size = data.test.rows * data.test.cols;
  const pixels = data.test.images.subarray(index * size, (index + 1) * size);
  return sharp(Buffer.from(pixels), { raw: { width: data.test.cols, height: data.test.rows, channels: 1 } }).png().toBuffer();
}

/** POST one real test image to the running server and describe the answer in one line. */
export async function demoPrediction(server: LocalServer, data: FashionMnist, index = 0, apiKey?: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'image/png', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const response = await fetch(`${server.url}/predict`, { method: 'POST', headers, body: await testImagePng(data, index) });
  const body = (await response.json()) as PredictResponse;
  const top = body.predictions?.[0];
  const truth = FASHION_MNIST_CLASSES[data.test.labels[index] as number];
  return top
    ? `POST /predict with test image #${index} (a ${truth}) → ${top.label} (${(top.probability * 100).toFixed(1)}%)`
    : `POST /predict answered ${response.status}: ${JSON.stringify(body)}`;
}
