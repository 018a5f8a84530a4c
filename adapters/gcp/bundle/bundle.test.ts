import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testImagePng } from '../../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData } from '../../../examples/fashion-mnist/test-support.js';
import type { FrameworkProcess } from '../../../test/gcp/framework-process.js';
import { startFrameworkProcess } from '../../../test/gcp/framework-process.js';
import { GcsStandIn } from '../../../test/gcp/gcs-stand-in.js';
import { placeTrainedModel } from '../../../test/gcp/trained-model.js';
import { GcsBucket } from '../index.js';
import { staticallyLoaded, staticExternalImports } from '../../../test/bundle-chunks.js';
import { runBundleCommand } from '../../../bundling/command.js';
import { gcpBundler } from './bundler.js';
import type { GcpBundle } from './gcp-bundle.js';
import { bundleGcpApp } from './gcp-bundle.js';

// Inside the repository, so the bundle's externals resolve from its node_modules as Cloud Build would install them.
const outDir = resolve(`.polyfaas/test-gcp-bundle-${process.pid}`);
let standIn: GcsStandIn;
let bundle: GcpBundle;
let predict: FrameworkProcess | undefined;

beforeAll(async () => {
  standIn = await GcsStandIn.start();
  standIn.createBucket('fashion-models');
  const [, built] = await Promise.all([
    placeTrainedModel(new GcsBucket('fashion-models', { prefix: 'fashion/', storage: { apiEndpoint: standIn.url, projectId: 'test' } })),
    bundleGcpApp({ entry: 'examples/fashion-mnist/gcp.ts', outDir, buckets: { data: 'gs://fashion-models/fashion/' }, warmupMinutes: 5 }),
  ]);
  bundle = built;
}, 240_000);

afterAll(async () => {
  await predict?.stop();
  await standIn?.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('polyfaas bundle gcp', () => {
  it('writes one source folder with the bundle, the WASM files and a package.json Cloud Build can install', () => {
    const files = bundle.bundle.files.map((f) => f.path);
    expect(files).toContain('index.mjs');
    expect(files.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThan(0);
    for (const f of files) expect(existsSync(join(bundle.sourceDir, f))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(bundle.sourceDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ main: 'index.mjs', type: 'module', dependencies: { '@google-cloud/functions-framework': '5.0.5', '@google-cloud/storage': '7.22.0', sharp: '0.34.5' } });
    // The framework must stay external: its registry is a singleton the binary reads.
    const code = readFileSync(join(bundle.sourceDir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*["']@google-cloud\/functions-framework["']/);
  });

  it('loads @google-cloud/storage only on the first GCS call, not at start', async () => {
    const loaded = await staticallyLoaded(bundle.sourceDir, 'index.mjs');
    for (const [file, code] of loaded) expect(staticExternalImports(code), file).not.toContain('@google-cloud/storage');
    const all = bundle.bundle.files.filter((f) => f.path.endsWith('.mjs')).map((f) => readFileSync(join(bundle.sourceDir, f.path), 'utf8'));
    expect(all.some((code) => /import\(\s*["']@google-cloud\/storage["']\s*\)/.test(code))).toBe(true);
  });

  it('plans one gcloud deploy per function with trigger, memory, timeout and entry point', () => {
    const byName = Object.fromEntries(bundle.plans.map((p) => [p.function, p]));
    expect(Object.keys(byName).sort()).toEqual(['evaluate', 'model-info', 'pipeline-status', 'plan-training', 'predict', 'preprocess', 'train']);
    const predictPlan = byName.predict?.command ?? '';
    expect(predictPlan).toContain('gcloud functions deploy predict');
    expect(predictPlan).toContain('--gen2');
    expect(predictPlan).toContain('--entry-point=predict');
    expect(predictPlan).toContain('--trigger-http');
    expect(predictPlan).toMatch(/--memory=\d+(Mi|Gi)/);
    expect(predictPlan).toMatch(/--timeout=\d+s/);
    expect(predictPlan).toContain('POLYFAAS_BUCKET_DATA=gs://fashion-models/fashion/');
    const preprocess = byName.preprocess?.command ?? '';
    expect(preprocess).toContain('--trigger-event-filters=type=google.cloud.storage.object.v1.finalized');
    expect(preprocess).toContain('--trigger-event-filters=bucket=fashion-models');
    // warmupMinutes: a Cloud Scheduler job per HTTP function, none for event functions.
    expect(Object.values(byName).filter((p) => p.warmup.length > 0).map((p) => p.function).sort()).toEqual(['model-info', 'pipeline-status', 'predict']);
    expect(byName.predict?.warmup.join('\n')).toMatch(/gcloud scheduler jobs create http polyfaas-warmup-predict[\s\S]*--schedule='\*\/5 \* \* \* \*'[\s\S]*--http-method=post[\s\S]*--headers=x-polyfaas-warmup=[\w-]{40,}/);
    // One token per bundle, in each warmed function's environment and in its job.
    const token = /--headers=x-polyfaas-warmup=([\w-]+)/.exec(byName.predict?.warmup.join('\n') ?? '')?.[1];
    expect(byName.predict?.command).toContain(`POLYFAAS_WARMUP_TOKEN=${token}`);
    expect(byName['model-info']?.warmup.join('\n')).toContain(`x-polyfaas-warmup=${token}`);
  });

  it('serves a prediction from the bundled folder through the real functions-framework binary', async () => {
    predict = await startFrameworkProcess({
      source: bundle.sourceDir,
      target: 'predict',
      env: {
        POLYFAAS_BUCKET_DATA: 'gs://fashion-models/fashion/',
        STORAGE_EMULATOR_HOST: standIn.url,
        GOOGLE_CLOUD_PROJECT: 'test',
        NODE_ENV: 'production',
        POLYFAAS_LOG_LEVEL: 'warn',
        POLYFAAS_WARMUP_TOKEN: 'e2e-warmup-token',
      },
    });
    const png = await testImagePng(await loadFixtureData(), 0);
    const res = await fetch(`${predict.url}/predict`, { method: 'POST', headers: { 'content-type': 'image/png', 'function-execution-id': 'e2e-1' }, body: png });
    const text = await res.text();
    expect(res.status, `${text}\n${predict.output()}`).toBe(200);
    const body = JSON.parse(text) as { model: string; predictions: { label: string; probability: number }[] };
    expect(body.model).toBe('fashion-mnist');
    expect(body.predictions).toHaveLength(3);
    expect(body.predictions[0]?.probability).toBeGreaterThan(0);
    // The bare function URL reaches the function's own route too.
    expect((await fetch(predict.url, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })).status).toBe(200);
    // What the --warmup Cloud Scheduler job sends: POST to the bare URL with the token, no body; init ran already.
    const warm = await fetch(predict.url, { method: 'POST', headers: { 'x-polyfaas-warmup': 'e2e-warmup-token' } });
    expect(warm.status).toBe(200);
    expect(await warm.json()).toEqual({ warm: true, function: 'predict', initialized: false });
    // Without the token the header is just a header: the handler runs (and rejects the empty body).
    const forged = await fetch(predict.url, { method: 'POST', headers: { 'x-polyfaas-warmup': '1' } });
    expect(await forged.json()).not.toMatchObject({ warm: true });
  }, 120_000);

  it('prints usage for --help and the commands for a bundle', async () => {
    let out = '';
    const io = { out: { write: (s: string) => ((out += s), true) }, err: { write: () => true } };
    expect(await runBundleCommand(gcpBundler, ['--help'], io)).toBe(0);
    expect(out).toContain('polyfaas bundle gcp <entry-file>');
    await expect(runBundleCommand(gcpBundler, [], io)).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(runBundleCommand(gcpBundler, ['x.ts', '--bucket', 'data=s3://nope'], io)).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
