import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResponse } from 'polyfaas/pipelines';
import { reportKey } from 'polyfaas/pipelines';
import type { DemoRun } from './run.js';
import { runFashionMnist } from './run.js';
import { testImagePng } from './demo-prediction.js';
import { loadFixtureData, QUICK_TRAINING } from './test-support.js';

describe('Fashion-MNIST on the local runtime (file buckets + real HTTP server)', () => {
  let dir: string;
  let demo: DemoRun;
  let log = '';
  const post = (body: string | Uint8Array, type: string, query = '') =>
    fetch(`${demo.server.url}/predict${query}`, { method: 'POST', headers: { 'content-type': type }, body });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-fashion-'));
    const data = await loadFixtureData();
    const io = { out: { write: (s: string) => (log += s) }, err: { write: (s: string) => (log += s) } };
    demo = await runFashionMnist({ exit: true, full: false, port: 0, dataDir: dir, fresh: false, verbose: false, help: false, training: QUICK_TRAINING, data }, io);
  }, 300_000);

  afterAll(async () => {
    await demo?.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('completes the chain and writes the report to disk', async () => {
    expect(demo.server.deadLetters).toEqual([]);
    const report = demo.report;
    expect(report?.promoted).toBe(true);
    expect(report?.metrics.accuracy).toBeGreaterThan(0.6);
    const html = await readFile(join(dir, reportKey('fashion-mnist', report?.version as string, 'html')), 'utf8');
    expect(html).toContain('<svg');
    expect(log).toMatch(/ingest .*100%/);
  });

  it('classifies real test images over HTTP, micro-batching concurrent requests', async () => {
    const sample = Array.from({ length: 100 }, (_, i) => 3 + i * 9);
    const answers = await Promise.all(
      sample.map(async (index) => {
        const res = await post(await testImagePng(demo.data, index), 'image/png');
        expect(res.status).toBe(200);
        return { index, body: (await res.json()) as PredictResponse };
      }),
    );
    const right = answers.filter(({ index, body }) => body.predictions[0]?.classId === demo.data.test.labels[index]);
    expect(right.length / sample.length).toBeGreaterThan(0.5);
    expect(new Set(answers.map((a) => a.body.version))).toEqual(new Set([demo.report?.version]));
  });

  it('accepts base64 JSON, JSON pixels and raw pixel bytes, and honours ?k=', async () => {
    const png = Buffer.from(await testImagePng(demo.data, 7));
    const viaBase64 = (await (await post(JSON.stringify({ image: png.toString('base64') }), 'application/json', '?k=5')).json()) as PredictResponse;
    expect(viaBase64.predictions).toHaveLength(5);
    const pixels = Array.from(demo.data.test.images.subarray(7 * 784, 8 * 784));
    const viaPixels = (await (await post(JSON.stringify({ pixels }), 'application/json', '?k=5')).json()) as PredictResponse;
    expect(viaPixels.predictions.map((p) => p.classId)).toEqual(viaBase64.predictions.map((p) => p.classId));
    expect(viaPixels.predictions[0]?.probability).toBeCloseTo(viaBase64.predictions[0]?.probability as number, 5);
    const viaBytes = (await (await post(Uint8Array.from(pixels), 'application/octet-stream', '?k=5')).json()) as PredictResponse;
    expect(viaBytes.predictions).toEqual(viaPixels.predictions);
  });

  it('answers bad requests with coded JSON errors', async () => {
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await expectError(await post('hello', 'text/plain'), 415, 'UnsupportedMediaType');
    await expectError(await post(new Uint8Array([1, 2, 3, 4]), 'image/png'), 400, 'InvalidArgument');
    await expectError(await post(JSON.stringify({ pixels: [1, 2, 3] }), 'application/json'), 400, 'InvalidArgument');
    await expectError(await post(new Uint8Array(783), 'application/octet-stream'), 400, 'InvalidArgument');
    await expectError(await post(JSON.stringify({ image: '!!!' }), 'application/json'), 400, 'InvalidArgument');
    await expectError(await post('{oops', 'application/json'), 400, 'InvalidArgument');
    await expectError(await post(new Uint8Array(3 * 1024 * 1024), 'image/png'), 413, 'PayloadTooLarge');
  });

  it('does nothing new when run again on the same data', async () => {
    const io = { out: { write: () => true }, err: { write: () => true } };
    const again = await runFashionMnist({ exit: true, full: false, port: 0, dataDir: dir, fresh: false, verbose: false, help: false, training: QUICK_TRAINING, data: demo.data }, io);
    try {
      expect(again.report?.version).toBe(demo.report?.version);
    } finally {
      await again.server.close();
    }
  }, 120_000);
});
