import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureRegistrationsAsync } from '../../../test/azure/functions-core-stub.js';
import { invokeCaptured } from '../../../test/azure/host.js';
import { staticallyLoaded } from '../../../test/bundle-chunks.js';
import { runBundleCommand } from '../../../bundling/command.js';
import { azureBundler } from './bundler.js';

const root = resolve(import.meta.dirname, '../../..');

function captureIo() {
  let out = '';
  let err = '';
  return { io: { out: { write: (s: string) => ((out += s), true) }, err: { write: (s: string) => ((err += s), true) } }, out: () => out, err: () => err };
}

describe('polyfaas bundle azure', () => {
  let dir: string;
  beforeAll(async () => {
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    dir = await mkdtemp(join(root, '.polyfaas/azure-bundle-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints its usage', async () => {
    const c = captureIo();
    expect(await runBundleCommand(azureBundler, ['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/polyfaas bundle azure <entry-file>/);
  });

  it('explains how to bind storage-triggered buckets', async () => {
    const c = captureIo();
    await expect(runBundleCommand(azureBundler, [join(root, 'examples/fashion-mnist/azure.ts'), '--out', join(dir, 'unbound')], c.io)).rejects.toThrow(/--bucket <name>=azblob:/);
  }, 60_000);

  it('writes a deployable function app for the Fashion-MNIST entry, and the bundle registers every function', async () => {
    const out = join(dir, 'fashion');
    const c = captureIo();
    const code = await runBundleCommand(azureBundler, [join(root, 'examples/fashion-mnist/azure.ts'), '--out', out, '--bucket', 'data=azblob://fashion/prod', '--app-name', 'fashion-fn', '--zip'], c.io);
    expect(code).toBe(0);
    const pkg = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main).toBe('index.mjs');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@azure/functions', 'sharp']);
    const host = JSON.parse(await readFile(join(out, 'host.json'), 'utf8')) as { extensionBundle: { id: string } };
    expect(host).toMatchObject({ version: '2.0', extensions: { http: { routePrefix: '' }, queues: { maxDequeueCount: 3 } } });
    expect(host.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    const local = JSON.parse(await readFile(join(out, 'local.settings.json'), 'utf8')) as { Values: Record<string, string> };
    expect(local.Values).toMatchObject({ FUNCTIONS_WORKER_RUNTIME: 'node', AZURE_STORAGE_CONNECTION_STRING: '', AzureWebJobsStorage: '', POLYFAAS_BUCKET_DATA: 'azblob://fashion/prod' });
    for (const wasm of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) expect((await stat(join(out, wasm))).size).toBeGreaterThan(100_000);
    expect(c.out()).toMatch(/func azure functionapp publish fashion-fn --javascript --build remote/);
    expect(c.out()).toMatch(/POLYFAAS_BUCKET_DATA=azblob:\/\/fashion\/prod/);
    expect((await stat(`${out}.zip`)).size).toBeGreaterThan(0);

    // Load the artifact as the worker would (with the host's core module stood in): every function registers.
    process.env.POLYFAAS_BUCKET_DATA = 'azblob://fashion/prod';
    process.env.AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true';
    try {
      const loaded = await captureRegistrationsAsync(() => import(join(out, 'index.mjs')));
      const names = loaded.functions.map((f) => `${f.name}:${f.trigger.type}`).sort();
      expect(names).toEqual([
        'evaluate:blobTrigger',
        'model-info:httpTrigger',
        'pipeline-status:httpTrigger',
        'plan-training:blobTrigger',
        'polyfaas-fallback:httpTrigger',
        'predict:httpTrigger',
        'preprocess:blobTrigger',
        'train:blobTrigger',
      ]);
    } finally {
      delete process.env.POLYFAAS_BUCKET_DATA;
      delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    }

    // @azure/storage-blob sits in chunks read on the first Blob Storage call, not at start.
    const loaded = await staticallyLoaded(out, 'index.mjs');
    const sdkMarker = 'x-ms-blob-type'; // a header only the SDK's own code names
    for (const [file, source] of loaded) expect(source.includes(sdkMarker), `${file} is loaded at start and contains the Blob SDK`).toBe(false);
    const chunks = (await readdir(out)).filter((f) => /^chunk-.*\.mjs$/.test(f) && !loaded.has(f));
    const lazy = await Promise.all(chunks.map((f) => readFile(join(out, f), 'utf8')));
    expect(lazy.some((source) => source.includes(sdkMarker))).toBe(true);
  }, 180_000);

  it('--warmup 5m adds a timer to the app that pings every HTTP route with the warm-up header, and prints the always-ready commands', async () => {
    const out = join(dir, 'warm');
    const c = captureIo();
    expect(await runBundleCommand(azureBundler, [join(root, 'examples/fashion-mnist/azure.ts'), '--out', out, '--bucket', 'data=azblob://fashion/prod', '--app-name', 'fashion-fn', '--warmup', '5m'], c.io)).toBe(0);
    expect(c.out()).toMatch(/polyfaas-warmup\s+timer\s+0 \*\/5 \* \* \* \* \(added by --warmup\)/);
    expect(c.out()).toMatch(/sends x-polyfaas-warmup with POLYFAAS_WARMUP_TOKEN \(app setting above\) to POST \/predict, GET \/model, GET \/status on https:\/\/\$WEBSITE_HOSTNAME/);
    // One token per bundle, printed among the app settings and written to local.settings.json.
    const token = /POLYFAAS_WARMUP_TOKEN=([\w-]{40,})/.exec(c.out())?.[1];
    expect(token).toBeTruthy();
    const local = JSON.parse(await readFile(join(out, 'local.settings.json'), 'utf8')) as { Values: Record<string, string> };
    expect(local.Values.POLYFAAS_WARMUP_TOKEN).toBe(token);
    expect(c.out()).toContain('az functionapp update --resource-group <resource-group> --name fashion-fn --set siteConfig.minimumElasticInstanceCount=1');
    expect(c.out()).toContain('az functionapp scale config always-ready set --resource-group <resource-group> --name fashion-fn --settings http=1');

    const seen: { method: string; url: string; warmup: string | undefined }[] = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', warmup: req.headers['x-polyfaas-warmup'] as string | undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"warm":true}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    process.env.POLYFAAS_BUCKET_DATA = 'azblob://fashion/prod';
    process.env.AZURE_STORAGE_CONNECTION_STRING = 'UseDevelopmentStorage=true';
    process.env.WEBSITE_HOSTNAME = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.POLYFAAS_WARMUP_TOKEN = token as string;
    try {
      const loaded = await captureRegistrationsAsync(() => import(join(out, 'index.mjs')));
      const names = loaded.functions.map((f) => `${f.name}:${f.trigger.type}`).sort();
      expect(names).toContain('predict:httpTrigger');
      expect(names).toContain('polyfaas-warmup:timerTrigger');
      expect(names).toHaveLength(9);
      const timer = loaded.functions.find((f) => f.name === 'polyfaas-warmup');
      expect(timer?.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 */5 * * * *' });
      // What the host does every five minutes: run the timer, which calls the app's own routes.
      await invokeCaptured(timer as NonNullable<typeof timer>, { data: { json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }) } });
      expect(seen.sort((a, b) => a.url.localeCompare(b.url))).toEqual([
        { method: 'GET', url: '/model', warmup: token },
        { method: 'POST', url: '/predict', warmup: token },
        { method: 'GET', url: '/status', warmup: token },
      ]);
      // Without the token set the timer pings nothing: the pings would be ordinary requests.
      seen.length = 0;
      delete process.env.POLYFAAS_WARMUP_TOKEN;
      await invokeCaptured(timer as NonNullable<typeof timer>, { data: { json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }) } });
      expect(seen).toEqual([]);
    } finally {
      delete process.env.POLYFAAS_BUCKET_DATA;
      delete process.env.AZURE_STORAGE_CONNECTION_STRING;
      delete process.env.WEBSITE_HOSTNAME;
      delete process.env.POLYFAAS_WARMUP_TOKEN;
      server.close();
    }
  }, 180_000);

  it('rejects a bad --warmup or --always-ready with InvalidArgument before bundling, and documents both', async () => {
    const c = captureIo();
    for (const args of [['--warmup', '0'], ['--warmup', '61m'], ['--warmup', 'often'], ['--always-ready', '0']]) {
      await expect(runBundleCommand(azureBundler, ['does-not-exist.ts', ...args], c.io), args.join(' ')).rejects.toMatchObject({ name: 'PolyfaasError', code: 'InvalidArgument' });
    }
    expect(await runBundleCommand(azureBundler, ['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/--warmup <rate>/);
    expect(c.out()).toMatch(/--always-ready <n>/);
  });
});
