import { readFileSync } from 'node:fs';
import type { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import type { AnyFunction } from '../../src/index.js';
import { createLogger, defineApp, defineFunction } from '../../src/index.js';
import type { AzureApp } from './azure-sdk.js';
import { azure } from './azure-sdk.js';
import { storageEventFromBlobTrigger, storageEventFromEventGrid } from './blob-events.js';
import { messageEventFromQueue } from './message-events.js';
import { registerAzure } from './register.js';

/** Regressions found by test/fuzz/azure-triggers.test.ts: malformed trigger data ends in InvalidArgument, handler internals never reach the host. */

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/events/azure/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const context = (triggerMetadata: unknown): InvocationContext =>
  new azure.InvocationContext({ invocationId: 'inv-1', functionName: 'fn', triggerMetadata: triggerMetadata as Record<string, unknown> });
const invalid = expect.objectContaining({ name: 'PolyfaasError', code: 'InvalidArgument' });

describe('blob trigger metadata', () => {
  const bindings = { data: 'azblob://images/' };
  const blob = (patch: Record<string, unknown>, props: Record<string, unknown> = {}) => {
    const meta = fixture('blob-trigger-metadata.json');
    return context({ ...meta, ...patch, properties: { ...(meta.properties as object), ...props } });
  };

  it('a uri that is not text was an uncoded TypeError (uri.slice is not a function)', () => {
    expect(() => storageEventFromBlobTrigger(blob({ uri: 436846652 }), bindings)).toThrow(invalid);
  });

  it('sizes, times and ETags of the wrong type or range are refused, not handed to the handler', () => {
    for (const contentLength of ['../../etc/passwd', -908165627, {}, false]) expect(() => storageEventFromBlobTrigger(blob({}, { contentLength }), bindings)).toThrow(invalid);
    expect(() => storageEventFromBlobTrigger(blob({}, { lastModified: 'NoBI13<' }), bindings)).toThrow(invalid);
    expect(() => storageEventFromBlobTrigger(blob({}, { eTag: 3.5 }), bindings)).toThrow(invalid);
    expect(() => storageEventFromBlobTrigger(blob({ blobTrigger: 7 }), bindings)).toThrow(invalid);
  });

  it('well-formed metadata still maps', () => {
    expect(storageEventFromBlobTrigger(blob({}), bindings)).toMatchObject({ key: 'presentation.png', size: 1383614 });
  });
});

describe('Event Grid events', () => {
  const bindings = { data: 'azblob://test-container/' };
  const grid = (patch: Record<string, unknown>, data: Record<string, unknown> = {}) => {
    const e = fixture('eventgrid-blob-created.json');
    return { ...e, ...patch, data: { ...(e.data as object), ...data } };
  };

  it('malformed fields are refused', () => {
    expect(() => storageEventFromEventGrid(null, bindings)).toThrow(invalid);
    expect(() => storageEventFromEventGrid(grid({ eventTime: 'yesterday-ish' }), bindings)).toThrow(invalid);
    expect(() => storageEventFromEventGrid(grid({}, { contentLength: 'x' }), bindings)).toThrow(invalid);
    expect(() => storageEventFromEventGrid(grid({ id: { a: 1 } }), bindings)).toThrow(invalid);
    expect(() => storageEventFromEventGrid(grid({ topic: [] }), bindings)).toThrow(invalid);
  });
});

describe('queue trigger metadata', () => {
  it('a fractional or negative dequeueCount, an invalid insertionTime or an object id are refused', () => {
    const meta = fixture('queue-trigger-metadata.json');
    for (const patch of [{ dequeueCount: 1.5 }, { dequeueCount: -2 }, { insertionTime: 'not a date' }, { id: { a: 1 } }]) {
      expect(() => messageEventFromQueue('jobs', 'x', context({ ...meta, ...patch }))).toThrow(invalid);
    }
    expect(messageEventFromQueue('jobs', 'x', context({ ...meta, dequeueCount: '3' })).deliveryCount).toBe(3);
  });
});

describe('failures the host sees', () => {
  it('an uncoded handler error reaches the host as Internal: Internal error, without its message or stack', async () => {
    const handlers: Record<string, (input: unknown, c: InvocationContext) => Promise<unknown>> = {};
    const capture = (name: string, options: { handler: unknown }) => void (handlers[name] = options.handler as (typeof handlers)[string]);
    const azureApp: AzureApp = { http: capture, storageBlob: capture, storageQueue: capture, timer: capture, eventGrid: capture };
    const app = defineApp({
      functions: [
        defineFunction({ name: 'worker', trigger: { type: 'queue', queue: 'jobs' }, handler: () => { throw new Error('boom at /home/dev/secret.ts'); } }),
      ] as AnyFunction[],
    });
    registerAzure(app, { env: {}, log: createLogger({ level: 'silent' }), azureApp });
    const err = await (handlers.worker as (typeof handlers)[string])('{}', context({ dequeueCount: 1 })).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'PolyfaasError', code: 'Internal', message: 'Internal error' });
    expect(err?.stack).toBe('PolyfaasError: Internal error');
  });
});
