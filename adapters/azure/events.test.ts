import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InvocationContext, Timer } from '@azure/functions';
import type { HttpResponse } from '../../src/index.js';
import { createLogger } from '../../src/index.js';
import { encodeHttpResponse } from '../../src/adapter.js';
import { azure } from './azure-sdk.js';
import { storageEventFromBlobTrigger, storageEventFromEventGrid } from './blob-events.js';
import { fromAzureRequest, stripRoutePrefix, toAzureResponse } from './http-mapping.js';
import { messageEventFromQueue, scheduleEventFromTimer } from './message-events.js';

const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/events/azure/${name}`, import.meta.url), 'utf8')) as T;

const encode = (response: HttpResponse) => encodeHttpResponse(response, { method: 'GET', log: createLogger({ level: 'silent' }) });

const context = (triggerMetadata: Record<string, unknown>): InvocationContext =>
  new azure.InvocationContext({ invocationId: 'inv-1', functionName: 'fn', triggerMetadata });

describe('Azure events → neutral events (fixtures)', () => {
  it('maps blob-trigger metadata (Blob extension v5 properties) onto the logical bucket', () => {
    const event = storageEventFromBlobTrigger(context(fixture('blob-trigger-metadata.json')), { data: 'azblob://images/' });
    expect(event).toMatchObject({ kind: 'created', bucket: 'data', key: 'presentation.png', size: 1383614, etag: '"0x8DB7EF5B1E3A1C2"' });
    expect(event?.time.toISOString()).toBe('2023-07-07T15:32:38.000Z');
    expect(event?.id).toBe('https://msdocsstorageaccount.blob.core.windows.net/images/presentation.png#"0x8DB7EF5B1E3A1C2"');
    expect(event?.source).toBe('https://msdocsstorageaccount.blob.core.windows.net');
  });

  it('maps blob-trigger metadata with CloudBlob properties (length) and strips the binding prefix', () => {
    const event = storageEventFromBlobTrigger(context(fixture('blob-trigger-metadata-cloudblob.json')), { data: 'azblob://rocketfiles/folder02' });
    expect(event).toMatchObject({ bucket: 'data', key: '1.txt', size: 9, etag: '"0x8D9DDD8D0B4B9F1"' });
  });

  it('ignores blobs outside every binding', () => {
    expect(storageEventFromBlobTrigger(context(fixture('blob-trigger-metadata.json')), { data: 'azblob://other/' })).toBeUndefined();
    expect(storageEventFromBlobTrigger(context({}), { data: 'azblob://images/' })).toBeUndefined();
  });

  it('maps Event Grid BlobCreated and BlobDeleted events', () => {
    const created = storageEventFromEventGrid(fixture('eventgrid-blob-created.json'), { data: 'azblob://test-container/' });
    expect(created).toMatchObject({ kind: 'created', bucket: 'data', key: 'new-file.txt', size: 524288, etag: '"0x8D4BCC2E4835CD0"', id: '831e1650-001e-001b-66ab-eeb76e069631' });
    const deleted = storageEventFromEventGrid(fixture('eventgrid-blob-deleted.json'), { data: 'azblob://testcontainer/' });
    expect(deleted).toMatchObject({ kind: 'deleted', bucket: 'data', key: 'file-to-delete.txt', size: 0, etag: '', id: '4c2359fe-001e-00ba-0e04-58586806d298' });
    expect(deleted?.time.toISOString()).toBe('2017-11-07T20:09:22.567Z');
    expect(deleted?.source).toMatch(/storageAccounts\/my-storage-account$/);
  });

  it('maps the CloudEvents schema too, and ignores other event types', () => {
    const deleted = storageEventFromEventGrid(fixture('cloudevent-blob-deleted.json'), { data: 'azblob://testcontainer/' });
    expect(deleted).toMatchObject({ kind: 'deleted', key: 'file-to-delete.txt' });
    expect(storageEventFromEventGrid({ ...fixture<Record<string, unknown>>('eventgrid-blob-deleted.json'), eventType: 'Microsoft.Storage.BlobRenamed' }, { data: 'azblob://testcontainer/' })).toBeUndefined();
  });

  it('maps storage-queue messages, with dequeueCount as the delivery count', () => {
    const meta = fixture('queue-trigger-metadata.json');
    const event = messageEventFromQueue('jobs', { job: 'train' }, context(meta));
    expect(event.json()).toEqual({ job: 'train' });
    expect(event).toMatchObject({ queue: 'jobs', deliveryCount: 2, id: 'b5c2a43a-1b2e-4a4c-9f1d-2f0f3f2f6c11' });
    expect(event.attributes.popReceipt).toBe('AgAAAAMAAAAAAAAA3V8TjPJs2gE=');
    expect(event.time.toISOString()).toBe('2024-03-01T18:29:06.000Z');
    expect(messageEventFromQueue('jobs', Buffer.from([1, 2]), context({})).body).toEqual(new Uint8Array([1, 2]));
    expect(messageEventFromQueue('jobs', 'plain', context({})).text()).toBe('plain');
  });

  it('maps a timer tick onto a schedule event at the current minute', () => {
    const now = new Date('2024-03-01T03:00:00.123Z');
    const event = scheduleEventFromTimer('nightly', '0 3 * * *', fixture<Timer>('timer.json'), now);
    expect(event).toMatchObject({ cron: '0 3 * * *', id: 'nightly@2024-03-01T03:00:00.000Z' });
    expect(event.scheduledTime.toISOString()).toBe('2024-03-01T03:00:00.000Z');
  });

  it('maps a real HttpRequest: path without route prefix, lower-case headers, last query value, body bytes', async () => {
    const init = fixture<Record<string, unknown>>('http-request.json');
    const request = new azure.HttpRequest(init as never);
    const neutral = await fromAzureRequest(request, { routePrefix: '', requestId: 'inv-1' });
    expect(neutral).toMatchObject({ method: 'POST', path: '/items/a%20b', id: 'inv-1', query: { q: 'y', page: '2' } });
    expect(neutral.headers['content-type']).toBe('application/json');
    expect(neutral.headers['x-ms-client-principal-name']).toBe('ada@example.com');
    expect(neutral.json()).toEqual({ a: [1, 2] });
    expect(stripRoutePrefix('/api/items/1', 'api')).toBe('/items/1');
    expect(stripRoutePrefix('/api', '/api/')).toBe('/');
    expect(stripRoutePrefix('/apix/1', 'api')).toBe('/apix/1');
  });

  it('turns neutral responses into HttpResponseInit with byte bodies', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const init = toAzureResponse(encode({ status: 200, headers: { 'Content-Type': 'image/png' }, body: png }));
    const response = new azure.HttpResponse(init);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);
    const json = new azure.HttpResponse(toAzureResponse(encode({ status: 201, body: { a: 1 } })));
    expect(json.status).toBe(201);
    expect(await json.json()).toEqual({ a: 1 });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
