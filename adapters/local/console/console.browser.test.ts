/**
 * The console in a real browser: Debian's chromium driven by playwright-core,
 * against a real `serve()` of the Fashion-MNIST app (a model trained in
 * seconds on the committed fixture) plus two small functions: one that fires
 * on uploads, one that always fails (for dead letters). A second candidate
 * version is saved beside the promoted one (for promote and rollback), and a
 * real training run is started from the page's point of view (for live
 * progress). A second server of an app with API keys checks the console's
 * read and write scopes. The training run's cost is then recorded as `npm
 * start` records it, for the Cost page. A third server runs the spam example
 * (trained tiny on its fixture) for the try-it page's text box. Screenshots of each page go to
 * /tmp/polyfaas-console-*.png (test artifacts, not committed).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistApp } from '../../../examples/fashion-mnist/app.js';
import { testImagePng } from '../../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData } from '../../../examples/fashion-mnist/test-support.js';
import type { FashionMnist } from '../../../examples/fashion-mnist/data/source.js';
import { recordRunCost } from '../../../examples/fashion-mnist/run-cost.js';
import { loadFixture, QUICK_TRAINING } from '../../../examples/spam-detection/fixture.js';
import type { SpamRun } from '../../../examples/spam-detection/run.js';
import { runSpam } from '../../../examples/spam-detection/run.js';
import { PIPELINE_BUCKET } from '../../../pipelines/image-classification/index.js';
import type { EvaluationReport, RunResult, TrainJob } from '../../../pipelines/image-classification/index.js';
import type { ClassifyResponse } from '../../../pipelines/text-classification/index.js';
import { reportKey, TRAIN_JOBS_PREFIX, trainingProgressKey } from '../../../pipelines/image-classification/index.js';
import { runResultKey } from '../../../pipelines/image-classification/jobs.js';
import { DEFAULT_PRICES, defineApp, defineFunction, generateApiKey, hashApiKey, PolyfaasError } from '../../../src/index.js';
import { ModelStore } from '../../../src/model/index.js';
import { copyPrefix, MODELS_PREFIX, trainQuickModel } from '../../../test/aws/quick-model.js';
import { FileBucket } from '../file-bucket.js';
import type { LocalServer } from '../serve.js';
import { serve } from '../serve.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '/tmp';

let dir: string;
let profile: string;
let server: LocalServer;
let context: BrowserContext;
let page: Page;
let evil: Server;
let data: FashionMnist;
let images: Uint8Array[];
let functionCount: number;
let modelName: string;
let production: string;
let candidate: string;
let quickJob: TrainJob;
let authDir: string;
let authServer: LocalServer;
const readerKey = generateApiKey();
const writerKey = generateApiKey();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-console-'));
  profile = await mkdtemp(join(tmpdir(), 'polyfaas-chromium-'));
  data = await loadFixtureData();
  images = await Promise.all([0, 1, 2].map((i) => testImagePng(data, i)));
  const trained = await trainQuickModel(data);
  const files = new FileBucket(dir, { durable: false });
  // Models and their reports, and the features a new training run reads; no jobs, so nothing re-runs.
  for (const prefix of [MODELS_PREFIX, 'reports/', 'features/']) await copyPrefix(trained.bucket, files, prefix);
  for await (const object of trained.bucket.list({ prefix: TRAIN_JOBS_PREFIX })) {
    quickJob = JSON.parse(new TextDecoder().decode((await trained.bucket.get(object.key)).body)) as TrainJob;
    break;
  }
  modelName = quickJob.modelName;
  production = trained.version;
  // A second, unevaluated candidate: the same weights saved again, as a retrain with no report would be.
  const store = new ModelStore(files, { signing: false });
  const loaded = await store.load(modelName, { version: production });
  candidate = (await store.save(modelName, loaded.model, { labels: [...loaded.info.labels], inputShape: [...loaded.info.inputShape], metrics: { trainAccuracy: 0.5 } })).version;
  loaded.model.dispose();
  authDir = await mkdtemp(join(tmpdir(), 'polyfaas-console-auth-'));
  await copyPrefix(trained.bucket, new FileBucket(authDir, { durable: false }), MODELS_PREFIX);
  const pipeline = fashionMnistApp({ bucket: pathToFileURL(dir).href });
  const app = defineApp({
    name: 'console-demo',
    buckets: { ...pipeline.buckets },
    functions: [
      ...pipeline.functions,
      defineFunction({
        name: 'on-upload',
        trigger: { type: 'storage', bucket: PIPELINE_BUCKET, prefix: 'uploads/' },
        handler: async (event, { bucket, log }) => {
          const object = await bucket(PIPELINE_BUCKET).head(event.key);
          log.info(`received ${event.key} (${object.contentType})`);
          await bucket(PIPELINE_BUCKET).put(`seen/${event.key.slice('uploads/'.length)}.json`, JSON.stringify({ key: event.key, size: object.size }), { contentType: 'application/json' });
        },
      }),
      defineFunction({
        name: 'always-fails',
        trigger: { type: 'queue', queue: 'doomed' },
        retries: 0,
        handler: () => {
          throw new PolyfaasError('Unavailable', 'the downstream service is down');
        },
      }),
    ],
  });
  functionCount = app.functions.length;
  server = await serve(app, { schedules: false, retryDelayMs: 1 });
  await server.bucket(PIPELINE_BUCKET).put('samples/shirt.png', images[0] as Uint8Array, { contentType: 'image/png' });
  await server.bucket(PIPELINE_BUCKET).put('samples/notes.json', JSON.stringify({ note: 'fixture image 0', classes: 10 }), { contentType: 'application/json' });
  server.send('doomed', 'payload');
  await server.idle();
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      timeout: 20_000,
    });
  } catch (err) {
    throw new Error(`chromium could not start from ${CHROMIUM} (install it: apt-get install -y chromium): ${err instanceof Error ? err.message : String(err)}`);
  }
  page = context.pages()[0] ?? (await context.newPage());
  // Another site on another port: what a malicious page open in the same browser can do.
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>evil</title><p>evil</p>');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  authServer = await serve(
    defineApp({
      name: 'console-auth',
      auth: { apiKeys: { env: false, keys: [{ id: 'reader', sha256: hashApiKey(readerKey), scopes: ['console:read'] }, { id: 'writer', sha256: hashApiKey(writerKey), scopes: ['console:write'] }] } },
      buckets: { [PIPELINE_BUCKET]: pathToFileURL(authDir).href },
      functions: [defineFunction({ name: 'hello', trigger: { type: 'http', method: 'GET', path: '/hello' }, handler: () => ({ status: 200, body: 'hi' }) })],
    }),
    { schedules: false },
  );
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await authServer?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await rm(dir, { recursive: true, force: true });
  await rm(authDir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
});

const invocations = async () => ((await (await fetch(`${server.consoleUrl}api/invocations`)).json()) as { records: { function: string }[] }).records;
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `polyfaas-console-${name}.png`), fullPage: true });

describe('the console in chromium', () => {
  it('lists every function with its trigger and instance state, and invokes an HTTP function from its form', async () => {
    await page.goto(server.consoleUrl as string);
    const predict = page.locator('section.card', { has: page.locator('h2', { hasText: /^predict/ }) });
    await expect.poll(() => predict.textContent()).toContain('Trigger: POST /predict');
    expect(await predict.textContent()).toMatch(/warm · init \d/);
    const onUpload = page.locator('section.card', { has: page.locator('h2', { hasText: /^on-upload/ }) });
    expect(await onUpload.textContent()).toContain('bucket data: uploads/* (created)');
    expect(await page.locator('section.card h2').count()).toBe(functionCount);
    const model = page.locator('section.card', { has: page.locator('h2', { hasText: /^model/ }) });
    await model.locator('summary', { hasText: 'Invoke' }).click();
    await model.getByRole('button', { name: 'Send to model' }).click();
    await expect.poll(() => model.locator('[aria-live]').textContent()).toMatch(/^200 OK in/);
    expect(await model.locator('pre').textContent()).toContain('"version"');
    await shot('functions');
  });

  it('shows an invocation live as it happens, and opens its details', async () => {
    await page.getByRole('link', { name: 'Invocations' }).click();
    await expect.poll(() => page.locator('.live').textContent()).toBe('● live');
    const before = await page.locator('#invocations tr[data-function="predict"]').count();
    const res = await fetch(`${server.url}/predict`, { method: 'POST', body: images[1], headers: { 'content-type': 'image/png', 'x-request-id': 'live-check-1' } });
    expect(res.status).toBe(200);
    await expect.poll(() => page.locator('#invocations tr[data-function="predict"]').count(), { timeout: 5_000 }).toBe(before + 1);
    await page.locator('#invocations tr[data-function="predict"]').first().getByRole('button').click();
    const detail = page.locator('#invocation-detail');
    expect(await detail.textContent()).toContain('live-check-1');
    expect(await detail.textContent()).toContain('POST /predict');
    // Filters: only failures, then only the failing function's.
    await page.selectOption('#filter-status', 'error');
    expect(await page.locator('#invocations tr[data-status="ok"]').count()).toBe(0);
    expect(await page.locator('#invocations tr[data-function="always-fails"]').count()).toBe(1);
    await page.selectOption('#filter-status', '');
    expect(await page.locator('#dead-letter-table').textContent()).toContain('Unavailable: the downstream service is down');
    await shot('invocations');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('invocations-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('retries a dead letter from its button, after confirmation', async () => {
    const failures = async () => (await invocations()).filter((r) => r.function === 'always-fails').length;
    const before = await failures();
    await page.locator('#dead-letter-table').getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await expect.poll(failures, { timeout: 5_000 }).toBe(before + 1);
    await server.idle();
    // It failed again, so it is a dead letter again.
    expect(server.deadLetters.map((l) => l.function)).toEqual(['always-fails']);
  });

  it('browses a bucket by prefix and previews an image and JSON', async () => {
    await page.getByRole('link', { name: 'Buckets' }).click();
    await page.getByLabel('Prefix').fill('samples/');
    await page.getByRole('button', { name: 'Browse' }).click();
    await expect.poll(() => page.locator('#objects tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'samples/shirt.png', exact: true }).click();
    const img = page.locator('#preview img');
    await expect.poll(() => img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(28);
    await shot('buckets');
    await page.getByRole('button', { name: 'samples/notes.json', exact: true }).click();
    await expect.poll(() => page.locator('#preview pre').textContent()).toContain('"note": "fixture image 0"');
  });

  it('uploads a file, which fires the storage trigger, and deletes after confirmation', async () => {
    await page.getByLabel('Prefix').fill('uploads/');
    await page.locator('#upload-file').setInputFiles({ name: 'bag.png', mimeType: 'image/png', buffer: Buffer.from(images[2] as Uint8Array) });
    expect(await page.getByLabel('Key').inputValue()).toBe('uploads/bag.png');
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => page.locator('#objects tbody tr').count()).toBe(1);
    await server.idle();
    const seen = JSON.parse(new TextDecoder().decode((await server.bucket(PIPELINE_BUCKET).get('seen/bag.png.json')).body)) as { key: string; size: number };
    expect(seen).toEqual({ key: 'uploads/bag.png', size: (images[2] as Uint8Array).byteLength });
    await page.getByRole('link', { name: 'Invocations' }).click();
    const row = page.locator('#invocations tr[data-function="on-upload"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('created data/uploads/bag.png');
    await row.getByRole('button').click();
    expect(await page.locator('#invocation-detail pre.logs').textContent()).toContain('received uploads/bag.png (image/png)');

    await page.getByRole('link', { name: 'Buckets' }).click();
    await page.getByLabel('Prefix').fill('uploads/');
    await page.getByRole('button', { name: 'Browse' }).click();
    await page.getByRole('button', { name: 'Delete uploads/bag.png' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('#listing').textContent()).toContain('No objects under “uploads/”');
    expect(await server.bucket(PIPELINE_BUCKET).exists('uploads/bag.png')).toBe(false);
  });

  it('classifies a dropped image on the try-it page, as POST /predict does', async () => {
    const expected = (await (await fetch(`${server.url}/predict?k=5`, { method: 'POST', body: images[0], headers: { 'content-type': 'image/png' } })).json()) as {
      predictions: { label: string }[];
    };
    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByLabel('choose an image file').setInputFiles({ name: 'shirt.png', mimeType: 'image/png', buffer: Buffer.from(images[0] as Uint8Array) });
    await expect.poll(() => page.locator('#top-label').textContent()).toBe(expected.predictions[0]?.label);
    expect(await page.locator('.bars .bar').count()).toBe(5);
    expect(await page.locator('#try-result').textContent()).toMatch(/ms round trip · model fashion-mnist \d/);
    // An image app: no text box.
    expect(await page.locator('#try-text').count()).toBe(0);
    await shot('try');
  });

  it('promotes a version and rolls it back, each after confirmation, with the alias history to show for it', async () => {
    const alias = async () => (await new ModelStore(server.bucket(PIPELINE_BUCKET), { signing: false }).resolveAlias(modelName, 'production')).version;
    await page.getByRole('link', { name: 'Models' }).click();
    const productionRow = page.locator('#aliases tr[data-alias="production"]');
    await expect.poll(() => productionRow.textContent()).toContain(production);
    expect(await page.locator('#versions tbody tr').count()).toBe(2);
    expect(await page.locator(`#versions tr[data-version="${production}"]`).textContent()).toMatch(/\d+\.\d\d%.*unsigned/);
    // Cancelling changes nothing.
    await page.getByRole('button', { name: `Promote ${candidate}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await alias()).toBe(production);
    await page.getByRole('button', { name: `Promote ${candidate}` }).click();
    expect(await page.getByRole('dialog').textContent()).toContain(`now ${production}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => productionRow.textContent()).toContain(candidate);
    expect(await alias()).toBe(candidate);
    expect(await page.locator('#aliases-h').evaluate((el) => el === (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    await shot('models');
    await page.getByRole('button', { name: 'Roll back production' }).click();
    expect(await page.getByRole('dialog').textContent()).toContain(`back from ${candidate} to ${production}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await expect.poll(() => productionRow.locator('td.mono').first().textContent()).toBe(production);
    expect(await alias()).toBe(production);
    await productionRow.locator('summary').click();
    expect(await productionRow.locator('details li').allTextContents()).toEqual([expect.stringContaining(production), expect.stringContaining(candidate), expect.stringContaining(production)]);
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('models-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a run’s report in a sandboxed frame that runs no script', async () => {
    await page.getByRole('button', { name: `Report of ${production}` }).click();
    const frame = page.frameLocator('#report iframe');
    await expect.poll(() => frame.locator('h1').textContent()).toContain(production);
    expect(await frame.locator('svg').count()).toBeGreaterThanOrEqual(3);
    expect(await frame.locator('svg').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Training loss'), expect.stringContaining('Accuracy'), expect.stringContaining('Confusion')]));
    expect(await page.locator('#report iframe').getAttribute('sandbox')).toBe('');
    await shot('models-report');
    // Served as an inert document: a script smuggled into a report would not run, even opened on its own.
    const res = await fetch(`${server.consoleUrl}api/models/${PIPELINE_BUCKET}/${modelName}/report?version=${production}`);
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(await page.getByRole('button', { name: `Report of ${candidate}` }).count()).toBe(0);
  });

  it('follows a training run live: step, epoch, loss, accuracy, samples/s, ETA and curves update as it trains', async () => {
    await page.getByRole('link', { name: 'Training' }).click();
    await expect.poll(() => page.locator('.live').textContent()).toBe('● live');
    const runId = 'console-live-run';
    const job: TrainJob = { ...quickJob, runId, seq: 0, config: { ...quickJob.config, epochs: 3, limit: 500, batchSize: 16, checkpointEverySteps: 1000 } };
    await server.bucket(PIPELINE_BUCKET).put(`${TRAIN_JOBS_PREFIX}${runId}/000000.json`, JSON.stringify(job), { contentType: 'application/json' });
    const steps = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = await page.locator('#kpi-step').textContent().catch(() => null);
          if (text) steps.add(text);
          return steps.size;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(await page.locator('#run').inputValue()).toBe(runId);
    expect(await page.locator('#kpi-rate').textContent()).toMatch(/^\d+$/);
    expect(await page.locator('#kpi-eta').textContent()).toMatch(/s$|^done$/);
    expect(await page.locator('svg.chart').count()).toBe(2);
    await shot('training');
    await expect.poll(() => page.locator('#run-state').textContent(), { timeout: 90_000 }).toBe('finished');
    expect(await page.locator('#kpi-step').textContent()).toBe('96 / 96');
    expect(await page.locator('#kpi-epoch').textContent()).toBe('3 / 3');
    expect(await page.locator('#epochs tbody tr').count()).toBe(3);
    expect((await server.bucket(PIPELINE_BUCKET).exists(trainingProgressKey(runId)))).toBe(true);
    await shot('training-finished');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('training-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await server.idle();
  }, 150_000);

  it('shows what recent invocations and the training run cost on each cloud, as the server priced them', async () => {
    const bucket = server.bucket(PIPELINE_BUCKET);
    const readJson = async <T>(key: string) => JSON.parse(new TextDecoder().decode((await bucket.get(key)).body)) as T;
    const { version } = await readJson<RunResult>(runResultKey('console-live-run'));
    const report = await readJson<EvaluationReport>(reportKey(modelName, version, 'json'));
    expect(report.metrics.accuracy).toBeGreaterThan(0);
    const records = ((await (await fetch(`${server.consoleUrl}api/invocations`)).json()) as { records: { function: string; durationMs: number; memoryMb?: number }[] }).records;
    // What `npm start` does after its run: time some predictions, then store the run's cost beside its report.
    await recordRunCost(server, report, data, records);
    await page.getByRole('link', { name: 'Cost' }).click();
    await expect.poll(() => page.locator('#recent-cost tbody tr[data-function="train"]').count()).toBe(1);
    const api = (await (await fetch(`${server.consoleUrl}api/cost`)).json()) as {
      recent: { functions: { function: string; cost: Record<string, number> }[] };
      runs: { version: string; cost: { total: { cost: Record<string, number> } } }[];
    };
    const dollars = async (row: ReturnType<Page['locator']>) => Object.fromEntries(await Promise.all((await row.locator('td[data-platform]').all()).map(async (td) => [await td.getAttribute('data-platform'), Number((await td.textContent())?.replace('$', ''))])));
    const platforms = ['aws', 'gcp', 'azure', 'azure-flex'];
    const train = await dollars(page.locator('#recent-cost tbody tr[data-function="train"]'));
    expect(Object.keys(train)).toEqual(platforms);
    const trainApi = api.recent.functions.find((f) => f.function === 'train')?.cost ?? {};
    for (const p of platforms) {
      expect(train[p], p).toBeGreaterThan(0);
      // The page shows the server's figure, to two significant digits or to the cent.
      expect(Math.abs((train[p] as number) - (trainApi[p] as number)), p).toBeLessThanOrEqual(Math.max(0.005, (trainApi[p] as number) * 0.05));
    }
    const run = page.locator(`table.run-cost[data-version="${version}"]`);
    expect(await run.locator('caption').textContent()).toContain(`${modelName} ${version}`);
    expect(await run.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')))).toEqual(['preprocess', 'train', 'evaluate']);
    const total = await dollars(run.locator('tr[data-stage="total"]'));
    const totalApi = api.runs.find((r) => r.version === version)?.cost.total.cost ?? {};
    for (const p of platforms) {
      expect(total[p], p).toBeGreaterThan(0);
      expect(Math.abs((total[p] as number) - (totalApi[p] as number)), p).toBeLessThanOrEqual(Math.max(0.005, (totalApi[p] as number) * 0.05));
    }
    for (const stage of ['train', 'evaluate', 'predict']) for (const p of platforms) expect((await dollars(run.locator(`tr[data-stage="${stage}"]`)))[p], `${stage} ${p}`).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).toContain(`prices as of ${DEFAULT_PRICES.asOf}`);
    const links = await page.locator('#price-sources a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const href of links) expect(href).toMatch(/^https:\/\//);
    await shot('cost');
    await page.setViewportSize({ width: 390, height: 800 });
    await shot('cost-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses state changes from another site', async () => {
    const letter = server.deadLetters[0];
    const records = async () => (await invocations()).length;
    const before = await records();
    const evilPage = await context.newPage();
    await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const target = `${server.consoleUrl}api/dead-letters/${encodeURIComponent(letter?.id ?? '')}/retry`;
    const outcomes = await evilPage.evaluate(
      async ({ target, object }) => {
        const results: string[] = [];
        // A simple POST needs no preflight: it reaches the server, which must refuse it (checked below);
        // the page cannot even see the opaque answer, as console responses are same-origin resources only.
        results.push(await fetch(target, { method: 'POST', mode: 'no-cors', body: 'x' }).then((r) => `no-cors ${r.type}`, () => 'no-cors failed'));
        // Forging the CSRF header forces a preflight the console never grants.
        results.push(await fetch(target, { method: 'POST', headers: { 'x-polyfaas-csrf': 'guess' } }).then((r) => `cors ${r.status}`, () => 'cors blocked'));
        results.push(await fetch(object, { method: 'DELETE' }).then((r) => `delete ${r.status}`, () => 'delete blocked'));
        return results;
      },
      { target, object: `${server.consoleUrl}api/buckets/data/object?key=samples/shirt.png` },
    );
    expect(outcomes).toEqual(['no-cors failed', 'cors blocked', 'delete blocked']);
    // A form posted from the other site: the browser shows the console's refusal.
    await evilPage.setContent(`<form method="post" action="${target}"><button>go</button></form>`);
    await Promise.all([evilPage.waitForURL(target), evilPage.click('button')]);
    expect(await evilPage.textContent('body')).toContain('Forbidden');
    await evilPage.close();
    await server.idle();
    expect(server.deadLetters.map((l) => l.id)).toEqual([letter?.id]);
    expect(await records()).toBe(before);
    expect(await server.bucket(PIPELINE_BUCKET).exists('samples/shirt.png')).toBe(true);
  });
});

describe('the try-it page of a text app', () => {
  let spamDir: string;
  let spam: SpamRun;

  beforeAll(async () => {
    // The spam example trained tiny on its committed fixture, as its local e2e test does, left serving POST /classify.
    spamDir = await mkdtemp(join(tmpdir(), 'polyfaas-console-spam-'));
    spam = await runSpam({ dataDir: spamDir, messages: await loadFixture(), training: QUICK_TRAINING }, { err: { write: () => true } });
    expect(spam.report?.promoted).toBe(true);
  }, 300_000);

  afterAll(async () => {
    await spam?.server.close();
    await rm(spamDir, { recursive: true, force: true });
  });

  it('classifies a typed text, showing the class probabilities POST /classify gives as bars, and its refusals', async () => {
    const text = 'Subject: FREE offer!!! Click now to claim your cash prize, limited time only';
    const res = await fetch(`${spam.server.url}/classify`, { method: 'POST', body: JSON.stringify({ text }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const expected = (await res.json()) as ClassifyResponse;
    const classes = Object.entries(expected.results[0]?.probabilities ?? {}).sort((a, b) => b[1] - a[1]);
    expect(classes.map(([label]) => label).sort()).toEqual(['ham', 'spam']);
    const textPage = await context.newPage();
    await textPage.goto(`${spam.server.consoleUrl}#try`);
    await textPage.getByLabel('Text to classify').fill(text);
    // A text app: no image drop zone.
    expect(await textPage.locator('#try-file').count()).toBe(0);
    await textPage.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => textPage.locator('#text-top-label').textContent()).toBe(expected.results[0]?.label);
    const shown = await textPage.locator('#text-result .bars').evaluate((bars) => [...bars.querySelectorAll('.label')].map((l) => [l.textContent, l.nextElementSibling?.nextElementSibling?.textContent]));
    expect(shown).toEqual(classes.map(([label, p]) => [label, `${(Math.round(p * 1000) / 10).toFixed(1)}%`]));
    const widths = await textPage.locator('#text-result .bar').evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().width / (b.parentElement as unknown as typeof b).getBoundingClientRect().width));
    classes.forEach(([, p], i) => expect(widths[i] as number).toBeCloseTo(Math.max(0.005, Math.round(p * 1000) / 1000), 2));
    expect(await textPage.locator('#text-result p').textContent()).toMatch(new RegExp(`^${expected.results[0]?.label} · [\\d.]+ m?s round trip · model ${expected.model} ${expected.version}$`));
    await textPage.screenshot({ path: join(SHOTS, 'polyfaas-console-try-text.png'), fullPage: true });

    // Refusals read as what they are: status, code and the route's message.
    await textPage.getByLabel('Text to classify').fill('x'.repeat(20_001));
    await textPage.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => textPage.locator('#text-result [role="alert"]').textContent()).toBe('413 PayloadTooLarge: text 0 has 20001 characters; the limit is 20000');
    expect(await textPage.locator('#text-result .bars').count()).toBe(0);
    await textPage.getByLabel('Text to classify').fill('   ');
    await textPage.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => textPage.locator('#text-result [role="alert"]').textContent()).toBe('400 InvalidArgument: text 0 must be a non-empty string');
    await textPage.screenshot({ path: join(SHOTS, 'polyfaas-console-try-text-error.png'), fullPage: true });
    await textPage.close();
  });
});

describe('the console of an app with auth', () => {
  const csrfOf = async (headers: Record<string, string>) => /name="polyfaas-csrf" content="([^"]+)"/.exec(await (await fetch(authServer.consoleUrl as string, { headers })).text())?.[1] ?? '';
  const promote = async (key: string) => {
    const headers = { authorization: `Bearer ${key}` };
    return fetch(`${authServer.consoleUrl}api/models/${PIPELINE_BUCKET}/${modelName}/promote`, {
      method: 'POST',
      headers: { ...headers, 'x-polyfaas-csrf': await csrfOf(headers), 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'production', version: production, expected: production }),
    });
  };

  it('asks for the app’s credentials, and lets a read-only key look but not change anything', async () => {
    const res = await fetch(authServer.consoleUrl as string);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Unauthorized');
    const reader = await context.newPage();
    await reader.goto(`${authServer.consoleUrl}?token=${readerKey}`);
    // The key went into an HttpOnly cookie and out of the address bar.
    expect(reader.url()).toBe(authServer.consoleUrl);
    await expect.poll(() => reader.locator('#session').textContent()).toBe('reader · read-only');
    await reader.getByRole('link', { name: 'Models' }).click();
    await expect.poll(() => reader.locator('#aliases tr[data-alias="production"]').textContent()).toContain(production);
    await reader.getByRole('button', { name: `Promote ${production}` }).click();
    await reader.getByRole('dialog').getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => reader.locator('#toast').textContent()).toBe('Forbidden: This change needs the console:write scope; these credentials are read-only');
    await reader.screenshot({ path: join(SHOTS, 'polyfaas-console-auth-readonly.png'), fullPage: true });
    const history = async () => (await new ModelStore(authServer.bucket(PIPELINE_BUCKET), { signing: false }).resolveAlias(modelName, 'production')).history.length;
    expect(await history()).toBe(1);
    await reader.close();
    expect((await promote(readerKey)).status).toBe(403);
    expect(await history()).toBe(1);
  });

  it('lets a key with console:write promote, and still wants the CSRF header from it', async () => {
    const res = await promote(writerKey);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: string }).version).toBe(production);
    const forged = await fetch(`${authServer.consoleUrl}api/models/${PIPELINE_BUCKET}/${modelName}/promote`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'production', version: production, expected: production }),
    });
    expect(forged.status).toBe(403);
    expect((await fetch(`${authServer.consoleUrl}api/models`, { headers: { authorization: 'Bearer pfk_not-a-key' } })).status).toBe(401);
  });
});

describe('the console’s assets', () => {
  it('stay small and local: page, stylesheet and script, no CDN', async () => {
    const sizes: Record<string, number> = {};
    for (const path of ['', 'console.css', 'console.js']) {
      const body = await (await fetch(`${server.consoleUrl}${path}`)).text();
      expect(body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      sizes[path || 'index.html'] = Buffer.byteLength(body);
    }
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`console assets: ${JSON.stringify(sizes)}, total ${total} bytes`);
    expect(total).toBeLessThan(64 * 1024);
  });
});
