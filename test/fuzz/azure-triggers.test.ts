import { readFileSync } from 'node:fs';
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyFunction } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import type { AzureApp } from '../../adapters/azure/azure-sdk.js';
import { azure } from '../../adapters/azure/azure-sdk.js';
import { AzureBlobBucket, FALLBACK_FUNCTION, registerAzure } from '../../adapters/azure/index.js';
import { installFunctionsCoreStub } from '../azure/functions-core-stub.js';
import { eventProblems } from './event-invariants.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { asText, badFailure, leaksIn } from './leaks.js';
import type { Json } from './mutate.js';
import { mutated, oddString, oddValue } from './mutate.js';
import { ProcessWatch } from './process-watch.js';

/**
 * Fuzzes the handlers `registerAzure` registers (captured through an injected
 * `azureApp`), called as the Functions host calls them: HTTP with real
 * `HttpRequest`s, blob, Event Grid, queue and timer triggers with the real
 * fixtures (test/fixtures/events/azure) edited at random, in a real
 * `InvocationContext` whose trigger metadata and retry context are fuzzed too.
 */

const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/events/azure/${name}`, import.meta.url), 'utf8')) as Json;

const problems: string[] = [];
const recorder = (kind: 'storage' | 'queue' | 'schedule') => (event: unknown) => {
  // How many cases got through translation to a handler, for the summary line.
  counter.hit(`azure-reached-handler`);
  problems.push(...eventProblems(kind, event).map((p) => `${kind}: ${p}`));
};
const app = defineApp({
  name: 'fuzz-azure',
  buckets: { data: 'azblob://placeholder' },
  functions: [
    defineFunction({ name: 'item', trigger: { type: 'http', method: 'GET', path: '/items/:id' }, handler: (req) => (problems.push(...eventProblems('http', req)), json({ ok: true })) }),
    defineFunction({ name: 'upload', maxBodyBytes: 4096, trigger: { type: 'http', method: 'POST', path: '/upload' }, handler: (req) => (problems.push(...eventProblems('http', req)), json({ size: req.body.byteLength })) }),
    defineFunction({ name: 'blobs', trigger: { type: 'storage', bucket: 'data', events: ['created', 'deleted'] }, handler: recorder('storage') }),
    defineFunction({ name: 'worker', trigger: { type: 'queue', queue: 'jobs' }, handler: recorder('queue') }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: recorder('schedule') }),
  ] as AnyFunction[],
});

type Handler = (input: unknown, context: InvocationContext) => Promise<unknown>;
const handlers: Record<string, Handler> = {};
const capture = (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler as Handler);
const azureApp: AzureApp = { http: capture, storageBlob: capture, storageQueue: capture, timer: capture, eventGrid: capture };

const watch = new ProcessWatch();
const counter = new CaseCounter();
beforeAll(() => {
  watch.install();
  installFunctionsCoreStub();
  // Never contacted: the handlers only record events.
  const bucket = new AzureBlobBucket({ container: 'testcontainer', prefix: '', connectionString: 'UseDevelopmentStorage=true' });
  registerAzure(app, { env: {}, log: createLogger({ level: 'silent' }), azureApp, buckets: { data: bucket } });
});
afterAll(() => {
  watch.remove();
  console.log(`[fuzz] azure cases: ${counter.summary()}`);
});

const contextArb = (metadata: fc.Arbitrary<unknown>) =>
  fc.record({
    invocationId: fc.uuid(),
    triggerMetadata: metadata,
    retryCount: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 10 })),
  });

function makeContext(c: { invocationId: string; triggerMetadata: unknown; retryCount: number | undefined }): InvocationContext {
  return new azure.InvocationContext({
    invocationId: c.invocationId,
    functionName: 'fuzz',
    triggerMetadata: c.triggerMetadata as Record<string, unknown>,
    ...(c.retryCount === undefined ? {} : { retryContext: { retryCount: c.retryCount, maxRetryCount: 5 } }),
  });
}

/** Run one trigger invocation and say what is wrong with the outcome (undefined: nothing). */
async function triggerProblem(name: string, input: unknown, c: Parameters<typeof makeContext>[0]): Promise<string | undefined> {
  problems.length = 0;
  const sent = asText([input, c]);
  try {
    await (handlers[name] as Handler)(input, makeContext(c));
  } catch (err) {
    return badFailure(err, sent);
  }
  return problems.length ? `handler saw a malformed event: ${problems.join('; ')}` : undefined;
}

const blobMetadata = fc.constantFrom(fixture('blob-trigger-metadata.json'), fixture('blob-trigger-metadata-cloudblob.json')).map((m) => ({
  ...(m as Record<string, Json>),
  blobTrigger: `testcontainer/${String((m as { name: string }).name)}`,
}));
const gridEvents = fc.constantFrom(fixture('eventgrid-blob-created.json'), fixture('eventgrid-blob-deleted.json'), fixture('cloudevent-blob-deleted.json'));

describe('fuzz: Azure triggers registered by registerAzure', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('blob triggers: edited metadata and odd blob contents', async () => {
    await fc.assert(
      fc.asyncProperty(oddValue, contextArb(fc.oneof(blobMetadata.chain((m) => mutated(m)), oddValue)), async (blob, c) => {
        counter.hit('azure');
        expect(await triggerProblem('blobs', blob, c)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('Event Grid: edited BlobCreated/BlobDeleted events (both schemas) and arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(gridEvents.chain((e) => mutated(e)), fc.jsonValue({ maxDepth: 3 })), contextArb(fc.constant({})), async (event, c) => {
        counter.hit('azure');
        expect(await triggerProblem('blobs-deleted', event, c)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('queue: arbitrary messages with edited trigger metadata', async () => {
    const message = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddString, fc.uint8Array({ maxLength: 64 }));
    await fc.assert(
      fc.asyncProperty(message, contextArb(fc.oneof(mutated(fixture('queue-trigger-metadata.json')), oddValue)), async (m, c) => {
        counter.hit('azure');
        expect(await triggerProblem('worker', m, c)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('timer: edited timer objects and retry contexts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(fixture('timer.json')), oddValue), contextArb(fc.constant({})), async (timer, c) => {
        counter.hit('azure');
        expect(await triggerProblem('nightly', timer, c)).toBeUndefined();
      }),
      fuzzParams(Math.ceil(FUZZ_RUNS / 5)),
    );
  });

  it('HTTP: odd methods, paths, headers and bodies through the routes and the fallback', async () => {
    const request = fc.record({
      fn: fc.constantFrom('item', 'upload', FALLBACK_FUNCTION),
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'X-ODD'),
      path: fc.oneof(fc.constantFrom('/items/1', '/upload', '/', '/items/%', '/items/%E0%A4%A', '/items/..%2F..%2Fetc', '/%00', '/items/' + 'x'.repeat(5000)), fc.webPath(), fc.string({ maxLength: 30 }).map((s) => `/items/${encodeURIComponent(s)}`)),
      query: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      headers: fc.dictionary(fc.constantFrom('content-type', 'x-polyfaas-warmup', 'accept', 'x-odd', 'content-encoding'), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), { maxKeys: 3 }),
      body: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 6000 })),
    });
    await fc.assert(
      fc.asyncProperty(request, fc.uuid(), async (r, invocationId) => {
        counter.hit('azure');
        problems.length = 0;
        const url = `https://app.azurewebsites.net${r.path}?${new URLSearchParams(r.query).toString()}`;
        const body = r.body === undefined ? undefined : typeof r.body === 'string' ? { string: r.body } : { bytes: r.body };
        const req = new azure.HttpRequest({ method: r.method, url, headers: r.headers, ...(body ? { body } : {}) });
        const sent = asText(r);
        let res: HttpResponseInit;
        try {
          res = (await (handlers[r.fn] as Handler)(req, makeContext({ invocationId, triggerMetadata: {}, retryCount: undefined }))) as HttpResponseInit;
        } catch (err) {
          expect.fail(`the HTTP handler threw instead of answering: ${String(err)}`);
        }
        const text = Buffer.from(res.body as Uint8Array).toString('utf8');
        expect(leaksIn(text + asText(res.headers), sent)).toEqual([]);
        // A HEAD answer has no body to check.
        if ((res.status as number) >= 400 && r.method.toUpperCase() !== 'HEAD') {
          const error = (JSON.parse(text) as { error?: { code?: string } }).error;
          expect(error?.code).toMatch(/^[A-Z][A-Za-z]+$/);
          expect(error?.code).not.toBe('Internal');
        }
        expect(problems).toEqual([]);
      }),
      fuzzParams(),
    );
  });

  it('stays healthy: no uncaught errors, a real event still works', async () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('azure')).toBeGreaterThanOrEqual(4 * FUZZ_RUNS);
    problems.length = 0;
    await (handlers.worker as Handler)('{"a":1}', makeContext({ invocationId: crypto.randomUUID(), triggerMetadata: fixture('queue-trigger-metadata.json'), retryCount: undefined }));
    expect(problems).toEqual([]);
  });
});
