/**
 * The console in a real browser: Debian's chromium driven by playwright-core,
 * against a real `serve()` of the Fashion-MNIST app (a model trained in
 * seconds on the committed fixture) plus two small functions: one that fires
 * on uploads, one that always fails (for dead letters). Screenshots of each
 * page go to /tmp/polyfaas-console-*.png (test artifacts, not committed).
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
import { PIPELINE_BUCKET } from '../../../pipelines/image-classification/index.js';
import { defineApp, defineFunction, PolyfaasError } from '../../../src/index.js';
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
let images: Uint8Array[];
let functionCount: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-console-'));
  profile = await mkdtemp(join(tmpdir(), 'polyfaas-chromium-'));
  const data = await loadFixtureData();
  images = await Promise.all([0, 1, 2].map((i) => testImagePng(data, i)));
  const trained = await trainQuickModel(data);
  await copyPrefix(trained.bucket, new FileBucket(dir, { durable: false }), MODELS_PREFIX);
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
}, 90_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await rm(dir, { recursive: true, force: true });
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
    await shot('try');
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
