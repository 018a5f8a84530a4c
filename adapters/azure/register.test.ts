import { describe, expect, it } from 'vitest';
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { createLogger, defineApp, defineFunction, json, PolyfaasError } from '../../src/index.js';
import type { AnyFunction } from '../../src/index.js';
import { fashionMnistApp } from '../../examples/fashion-mnist/app.js';
import { captureRegistrations } from '../../test/azure/functions-core-stub.js';
import type { CapturedFunction } from '../../test/azure/functions-core-stub.js';
import { azure } from './azure-sdk.js';
import { AzureBlobBucket, FALLBACK_FUNCTION, registerAzure } from './index.js';

const silent = createLogger({ level: 'silent' });
const byName = (functions: CapturedFunction[], name: string) => {
  const found = functions.find((f) => f.name === name);
  if (!found) throw new Error(`${name} was not registered`);
  return found;
};
const ctx = (init: ConstructorParameters<typeof azure.InvocationContext>[0] = {}): InvocationContext =>
  new azure.InvocationContext({ invocationId: crypto.randomUUID(), functionName: 'fn', ...init });

describe('registerAzure: what reaches the Functions host', () => {
  it('registers the Fashion-MNIST app: HTTP routes, blob triggers on the bound container, the fallback route', () => {
    const { functions } = captureRegistrations(() =>
      registerAzure(fashionMnistApp(), { env: { POLYFAAS_BUCKET_DATA: 'azblob://fashion/prod' }, log: silent }),
    );
    const summary = functions.map((f) => ({
      name: f.name,
      type: f.trigger.type,
      route: f.trigger.route,
      methods: f.trigger.methods,
      path: f.trigger.path,
      authLevel: f.trigger.authLevel,
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        // Batch-only preprocess (the example's default) filters on the manifest in the blob path itself.
        expect.objectContaining({ name: 'preprocess', type: 'blobTrigger', path: 'fashion/prod/raw/{name}/_dataset.json' }),
        expect.objectContaining({ name: 'plan-training', type: 'blobTrigger', path: 'fashion/prod/features/fashion-mnist/{name}/manifest.json' }),
        expect.objectContaining({ name: 'train', type: 'blobTrigger', path: 'fashion/prod/jobs/train/{name}.json' }),
        expect.objectContaining({ name: 'evaluate', type: 'blobTrigger', path: 'fashion/prod/models/fashion-mnist/versions/{name}/manifest.json' }),
        expect.objectContaining({ name: 'predict', type: 'httpTrigger', route: 'predict', methods: ['POST'], authLevel: 'function' }),
        expect.objectContaining({ name: 'model-info', type: 'httpTrigger', route: 'model', methods: ['GET', 'HEAD'] }),
        expect.objectContaining({ name: FALLBACK_FUNCTION, type: 'httpTrigger', route: '{*path}' }),
      ]),
    );
    for (const f of functions.filter((x) => x.trigger.type === 'blobTrigger')) {
      expect(f.trigger.connection).toBe('AZURE_STORAGE_CONNECTION_STRING');
      expect(f.trigger.direction).toBe('in');
    }
    // Binding names carry hash suffixes; the HTTP functions return through an http output binding.
    const predict = byName(functions, 'predict');
    expect(predict.trigger.name).toMatch(/^httpTrigger/);
    expect(Object.values(predict.bindings).some((b) => b.type === 'http' && b.direction === 'out')).toBe(true);
  });

  it('maps every trigger kind: params, suffixes, Event Grid source and deletions, queues, timers with retry', () => {
    const noop = () => undefined;
    const app = defineApp({
      buckets: { data: 'azblob://box/pre' },
      functions: [
        defineFunction({ name: 'item', trigger: { type: 'http', method: 'GET', path: '/items/:id/parts/:part' }, handler: () => json({}) }),
        defineFunction({ name: 'any', trigger: { type: 'http', method: '*', path: '/any' }, handler: () => json({}) }),
        defineFunction({ name: 'pngs', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/', suffix: '.png', events: ['created', 'deleted'] }, handler: noop }),
        defineFunction({ name: 'gone', trigger: { type: 'storage', bucket: 'data', events: ['deleted'] }, handler: noop }),
        defineFunction({ name: 'worker', trigger: { type: 'queue', queue: 'jobs' }, handler: noop }),
        defineFunction({ name: 'nightly', retries: 4, trigger: { type: 'schedule', cron: '30 3 * * 1' }, handler: noop }),
      ] as AnyFunction[],
    });
    const { functions, result } = captureRegistrations(() => registerAzure(app, { env: {}, blobSource: 'EventGrid', authLevel: 'function', connection: 'Storage', log: silent }));
    expect(byName(functions, 'item').trigger).toMatchObject({ type: 'httpTrigger', route: 'items/{id}/parts/{part}', methods: ['GET', 'HEAD'], authLevel: 'function' });
    expect(byName(functions, 'any').trigger.methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect(byName(functions, 'pngs').trigger).toMatchObject({ type: 'blobTrigger', path: 'box/pre/raw/{name}.png', source: 'EventGrid', connection: 'Storage' });
    expect(byName(functions, 'pngs-deleted').trigger.type).toBe('eventGridTrigger');
    expect(byName(functions, 'gone').trigger.type).toBe('eventGridTrigger');
    expect(byName(functions, 'worker').trigger).toMatchObject({ type: 'queueTrigger', queueName: 'jobs', connection: 'Storage' });
    const nightly = byName(functions, 'nightly');
    expect(nightly.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 30 3 * * 1' });
    expect(nightly.retryOptions).toMatchObject({ retryStrategy: 'exponentialBackoff', maxRetryCount: 4 });
    expect(result.functions.map((f) => `${f.name}:${f.trigger}`)).toContain('pngs-deleted:eventGrid');
  });

  it('refuses, at registration, storage triggers on buckets not bound to Blob Storage', () => {
    const app = defineApp({
      buckets: { data: 'file:///tmp/x' },
      functions: [defineFunction({ name: 'p', trigger: { type: 'storage', bucket: 'data' }, handler: () => undefined })] as AnyFunction[],
    });
    expect(() => captureRegistrations(() => registerAzure(app, { env: {}, log: silent }))).toThrow(/POLYFAAS_BUCKET_DATA=azblob:\/\//);
    expect(() => captureRegistrations(() => registerAzure(app, { env: {}, log: silent }))).toThrow(PolyfaasError);
  });
});

describe('registerAzure: captured handlers called with real HttpRequest and InvocationContext', () => {
  const echoApp = () =>
    defineApp({
      functions: [
        defineFunction({
          name: 'flip',
          trigger: { type: 'http', method: 'POST', path: '/flip/:n' },
          handler: (req, c) => ({ status: 200, headers: { 'content-type': 'application/octet-stream', 'x-n': req.params.n ?? '', 'x-req': c.requestId, 'x-provider': c.provider }, body: req.body.slice().reverse() }),
        }),
      ] as AnyFunction[],
    });

  it('maps the request in and a binary response out', async () => {
    const { functions } = captureRegistrations(() => registerAzure(echoApp(), { env: {}, log: silent }));
    const flip = byName(functions, 'flip');
    const request = new azure.HttpRequest({ method: 'POST', url: 'https://app.azurewebsites.net/flip/7', body: { bytes: new Uint8Array([0, 1, 255]) }, params: { n: '7' } });
    const context = ctx({ invocationId: 'abc-123' });
    const res = (await flip.callback(request, context)) as HttpResponseInit;
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'x-n': '7', 'x-req': 'abc-123', 'x-provider': 'azure', 'content-type': 'application/octet-stream' });
    expect(Array.from(res.body as Uint8Array)).toEqual([255, 1, 0]);
  });

  it('answers misses through the fallback route with neutral JSON 404 and 405', async () => {
    const { functions } = captureRegistrations(() => registerAzure(echoApp(), { env: {}, log: silent }));
    const fallback = byName(functions, FALLBACK_FUNCTION);
    const miss = (await fallback.callback(new azure.HttpRequest({ method: 'GET', url: 'https://x/nope' }), ctx())) as HttpResponseInit;
    expect(miss.status).toBe(404);
    expect(JSON.parse(new TextDecoder().decode(miss.body as Uint8Array))).toMatchObject({ error: { code: 'NotFound' } });
    const wrong = (await fallback.callback(new azure.HttpRequest({ method: 'GET', url: 'https://x/flip/1' }), ctx())) as HttpResponseInit;
    expect(wrong.status).toBe(405);
  });

  it('rethrows failing queue messages (so Azure retries, then poisons), with dequeueCount as ctx.attempt', async () => {
    const attempts: number[] = [];
    let inits = 0;
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'worker',
          trigger: { type: 'queue', queue: 'jobs' },
          init: () => ++inits,
          handler: (m, c) => {
            attempts.push(c.attempt);
            if (m.json<{ fail?: boolean }>().fail) throw new Error('boom at /srv/secret.ts');
          },
        }),
      ] as AnyFunction[],
    });
    const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: silent }));
    const worker = byName(functions, 'worker');
    await worker.callback({ ok: true }, ctx({ triggerMetadata: { dequeueCount: 1, id: 'm1' } }));
    const failing = worker.callback({ fail: true }, ctx({ triggerMetadata: { dequeueCount: 3, id: 'm2' } }));
    await expect(failing).rejects.toBeInstanceOf(PolyfaasError);
    await expect(failing).rejects.toMatchObject({ code: 'Internal' });
    expect(attempts).toEqual([1, 3]);
    // A warm-up message runs init but never the handler.
    await worker.callback({ polyfaas: 'warmup' }, ctx());
    expect(attempts).toEqual([1, 3]);
    expect(inits).toBe(1);
  });

  it('delivers blob-trigger and Event Grid invocations to the logical bucket, filtered by the trigger', async () => {
    const seen: string[] = [];
    const app = defineApp({
      buckets: { data: 'azblob://placeholder' },
      functions: [
        defineFunction({ name: 'pngs', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/', suffix: '.png', events: ['created', 'deleted'] }, handler: (e) => void seen.push(`${e.kind}:${e.bucket}:${e.key}:${e.size}`) }),
      ] as AnyFunction[],
    });
    // Never contacted: the handler only records events.
    const bucket = new AzureBlobBucket({ container: 'box', prefix: 'pre', connectionString: 'UseDevelopmentStorage=true' });
    const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: silent, buckets: { data: bucket } }));
    const pngs = byName(functions, 'pngs');
    expect(pngs.trigger.path).toBe('box/pre/raw/{name}.png');
    const blob = (name: string) => ctx({ triggerMetadata: { blobTrigger: `box/${name}`, uri: `https://acct.blob.core.windows.net/box/${name}`, properties: { contentLength: 3, eTag: '"0x1"' } } });
    await pngs.callback(Buffer.from('png'), blob('pre/raw/a.png'));
    await pngs.callback(Buffer.from('jpg'), blob('pre/raw/b.jpg'));
    await pngs.callback(Buffer.from('png'), blob('elsewhere/raw/c.png'));
    const deleted = byName(functions, 'pngs-deleted');
    const gridEvent = (subject: string) => ({ id: crypto.randomUUID(), eventType: 'Microsoft.Storage.BlobDeleted', subject, eventTime: new Date().toISOString(), data: {} });
    await deleted.callback(gridEvent('/blobServices/default/containers/box/blobs/pre/raw/a.png'), ctx());
    await deleted.callback(gridEvent('/blobServices/default/containers/other/blobs/pre/raw/a.png'), ctx());
    expect(seen).toEqual(['created:data:raw/a.png:3', 'deleted:data:raw/a.png:0']);
  });

  it('never hands an invalid blob name to a handler: a coded failure, rethrown so the host poisons it', async () => {
    const seen: string[] = [];
    const app = defineApp({
      buckets: { data: 'azblob://box/pre' },
      functions: [defineFunction({ name: 'any', trigger: { type: 'storage', bucket: 'data' }, handler: (e) => void seen.push(e.key) })] as AnyFunction[],
    });
    // Never contacted: no handler touches the bucket.
    const storage = { connectionString: 'UseDevelopmentStorage=true' };
    const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: silent, storage }));
    const any = byName(functions, 'any');
    const blob = (name: string) => ctx({ triggerMetadata: { blobTrigger: `box/${name}`, uri: `https://acct.blob.core.windows.net/box/${name}`, properties: { contentLength: 1, eTag: '"0x1"' } } });
    for (const name of ['pre/../../etc/passwd', 'pre/a\u0000b', 'pre//abs', `pre/${'x'.repeat(1100)}`]) {
      await expect(any.callback(Buffer.from('x'), blob(name))).rejects.toMatchObject({ code: 'InvalidArgument' });
    }
    await any.callback(Buffer.from('x'), blob('pre/fine.png'));
    // A binding without a trailing slash is a folder: `prefix-other/…` is not this app's.
    await any.callback(Buffer.from('x'), blob('prefix-other/z.png'));
    expect(seen).toEqual(['fine.png']);
  });

  it('rethrows a failing timer handler as a coded failure without internals', async () => {
    const app = defineApp({ functions: [defineFunction({ name: 'tick', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: () => Promise.reject(new Error('secret /srv/x.ts')) })] as AnyFunction[] });
    const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: silent }));
    const err: unknown = await Promise.resolve(byName(functions, 'tick').callback({}, ctx())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyfaasError);
    expect(err).toMatchObject({ code: 'Internal', message: 'Internal error' });
  });
});
