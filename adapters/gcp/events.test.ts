import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord, MessageEvent, ScheduleEvent, StorageEvent } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import type { FunctionServers } from '../../test/gcp/function-servers.js';
import { startFunctionServers } from '../../test/gcp/function-servers.js';
import { mapCloudEvent, registerGcp } from './index.js';

interface Fixture {
  origin: string;
  path?: string;
  headers: Record<string, string>;
  body: unknown;
}

const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/events/gcp/${name}`, import.meta.url), 'utf8')) as Fixture;

const seen: { fn: string; event: StorageEvent | MessageEvent | ScheduleEvent; requestId: string; attempt: number }[] = [];
const record = (fn: string) => (event: StorageEvent | MessageEvent | ScheduleEvent, ctx: { requestId: string; attempt: number }) => {
  seen.push({ fn, event, requestId: ctx.requestId, attempt: ctx.attempt });
};

const app = defineApp({
  name: 'gcp-events',
  buckets: { data: 'gs://sample-bucket/' },
  functions: [
    defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data', prefix: 'folder/', events: ['created', 'deleted'] }, handler: record('on-upload') }),
    defineFunction({
      name: 'on-job',
      trigger: { type: 'queue', queue: 'jobs' },
      handler: (event, ctx) => {
        if (event.text() === '{"fail":true}') throw new Error('secret /srv/app/db.ts');
        record('on-job')(event, ctx);
      },
    }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: record('nightly') }),
    defineFunction({
      name: 'upload',
      trigger: { type: 'http', method: 'POST', path: '/upload' },
      handler: (req, ctx) => json({ size: req.body.byteLength, first: req.body[0] ?? null, type: req.headers['content-type'] ?? null, requestId: ctx.requestId, provider: ctx.provider }),
    }),
  ],
});

let servers: FunctionServers;
const logs: LogRecord[] = [];
beforeAll(async () => {
  const log = createLogger({ level: 'debug', sink: (r) => logs.push(r) });
  const targets = registerGcp(app, { env: {}, storage: { apiEndpoint: 'http://127.0.0.1:9', projectId: 'test' }, log });
  expect(targets).toEqual([
    { name: 'on-upload', signature: 'cloudevent' },
    { name: 'on-job', signature: 'cloudevent' },
    { name: 'nightly', signature: 'cloudevent' },
    { name: 'upload', signature: 'http' },
  ]);
  servers = await startFunctionServers(targets.map((t) => t.name));
});
afterAll(async () => {
  await servers?.close();
});
beforeEach(() => {
  seen.length = 0;
  logs.length = 0;
});

const failuresLogged = () => logs.filter((r) => r.msg === 'event failed').map((r) => ({ code: r.code, retried: r.retried }));

async function post(fn: string, f: Fixture): Promise<Response> {
  return fetch(new URL(f.path ?? '/', servers.url(fn)), { method: 'POST', headers: f.headers, body: JSON.stringify(f.body) });
}

describe('Cloud Storage events through the Functions Framework', () => {
  for (const name of ['storage-finalized-binary.json', 'storage-finalized-structured.json', 'storage-legacy-finalize.json', 'storage-legacy-object-change.json']) {
    it(`maps ${name} to a created StorageEvent on the logical bucket`, async () => {
      const res = await post('on-upload', fixture(name));
      expect(res.status).toBe(204);
      expect(seen).toHaveLength(1);
      const event = seen[0]?.event as StorageEvent;
      expect(event).toMatchObject({ kind: 'created', bucket: 'data', key: 'folder/Test.cs', size: 352, etag: '1587627537231057' });
      expect(event.source).toBe('//storage.googleapis.com/projects/_/buckets/sample-bucket');
      expect(event.time).toBeInstanceOf(Date);
      expect(seen[0]?.requestId).toBe(event.id);
      expect((event.raw as { type: string }).type).toBe('google.cloud.storage.object.v1.finalized');
    });
  }

  it('maps storage-deleted-structured.json to a deleted StorageEvent', async () => {
    expect((await post('on-upload', fixture('storage-deleted-structured.json'))).status).toBe(204);
    expect(seen[0]?.event).toMatchObject({ kind: 'deleted', bucket: 'data', key: 'folder/Test.cs', etag: '', id: '123451234512399' });
  });

  it('acknowledges and skips objects outside the trigger or the bound buckets', async () => {
    const other = fixture('storage-finalized-structured.json');
    const body = other.body as { data: { name: string; bucket: string } };
    body.data.name = 'elsewhere/Test.cs';
    expect((await post('on-upload', other)).status).toBe(204);
    body.data.bucket = 'unbound-bucket';
    expect((await post('on-upload', other)).status).toBe(204);
    expect(seen).toEqual([]);
  });

  it('counts redeliveries of one event id as attempts', async () => {
    const redelivered = fixture('storage-finalized-binary.json');
    redelivered.headers['ce-id'] = 'redelivered-1';
    await post('on-upload', redelivered);
    await post('on-upload', redelivered);
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
  });
});

describe('Pub/Sub and Cloud Scheduler events through the Functions Framework', () => {
  for (const name of ['pubsub-structured.json', 'pubsub-legacy.json', 'pubsub-push.json']) {
    it(`maps ${name} to a MessageEvent with the decoded body and attributes`, async () => {
      expect((await post('on-job', fixture(name))).status).toBe(204);
      const event = seen[0]?.event as MessageEvent;
      expect(event).toMatchObject({ queue: 'jobs', attributes: { attribute1: 'value1' }, id: 'aaaaaa-1111-bbbb-2222-cccccccccccc' });
      // The fixtures share one message id, so this instance counts them as redeliveries.
      expect(event.deliveryCount).toBe(seen[0]?.attempt);
      expect(event.text()).toBe('This is a sample message');
    });
  }

  it('keeps binary Pub/Sub payloads byte for byte (pubsub-binary.json)', async () => {
    expect((await post('on-job', fixture('pubsub-binary.json'))).status).toBe(204);
    expect(Array.from((seen[0]?.event as MessageEvent).body)).toEqual([1, 2, 3, 4]);
  });

  it('maps a Cloud Scheduler message (scheduler-pubsub.json) to a ScheduleEvent', async () => {
    expect((await post('nightly', fixture('scheduler-pubsub.json'))).status).toBe(204);
    const event = seen[0]?.event as ScheduleEvent;
    expect(event).toMatchObject({ type: 'polyfaas.schedule.fired', cron: '0 3 * * *', id: '8240553981478960' });
    expect(event.scheduledTime.toISOString()).toBe('2024-03-01T03:00:00.512Z');
  });

  it('answers a warm-up message without calling the handler', async () => {
    const warm = fixture('pubsub-structured.json');
    (warm.body as { data: { message: { data: string } } }).data.message.data = Buffer.from('{"polyfaas":"warmup"}').toString('base64');
    expect((await post('on-job', warm)).status).toBe(204);
    expect(seen).toEqual([]);
  });
});

describe('failures', () => {
  // No retry can fix these; with --retry Eventarc would redeliver them for a day, so they are acknowledged and logged.
  it('acknowledges an unknown event type (unknown-firestore-written.json) and logs a coded error', async () => {
    const res = await post('on-upload', fixture('unknown-firestore-written.json'));
    expect(res.status).toBe(204);
    expect(failuresLogged()).toEqual([{ code: 'Unimplemented', retried: false }]);
    expect(seen).toEqual([]);
  });

  it('acknowledges a Pub/Sub event sent to a storage function and logs a coded error', async () => {
    const res = await post('on-upload', fixture('pubsub-structured.json'));
    expect(res.status).toBe(204);
    expect(failuresLogged()).toEqual([{ code: 'Unimplemented', retried: false }]);
  });

  for (const name of ['folder/../../etc/passwd', 'folder/a\u0000b', 'folder//x', `folder/${'x'.repeat(1100)}`]) {
    it(`never hands an invalid object name to a handler (${JSON.stringify(name).slice(0, 40)})`, async () => {
      const f = fixture('storage-finalized-structured.json');
      (f.body as { data: { name: string } }).data.name = name;
      const res = await post('on-upload', f);
      expect(res.status).toBe(204);
      expect(seen).toEqual([]);
      expect(failuresLogged()).toEqual([{ code: 'InvalidArgument', retried: false }]);
    });
  }

  it('answers a failing handler with a coded non-2xx error and no internals, so Eventarc retries it', async () => {
    const f = fixture('pubsub-structured.json');
    (f.body as { data: { message: { data: string } } }).data.message.data = Buffer.from('{"fail":true}').toString('base64');
    const res = await post('on-job', f);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toBe('Internal: Internal error');
    expect(failuresLogged()).toEqual([{ code: 'Internal', retried: true }]);
  });

  it('maps a CloudEvent in process too (no framework)', () => {
    const ce = fixture('storage-finalized-structured.json').body as Parameters<typeof mapCloudEvent>[1];
    const fn = app.functions[0];
    if (!fn) throw new Error('no function');
    expect(mapCloudEvent(fn, ce, { data: 'gs://sample-bucket/folder/' })).toMatchObject({ action: 'skip' });
    expect(mapCloudEvent(fn, ce, { data: 'gs://sample-bucket/' })).toMatchObject({ action: 'invoke', event: { key: 'folder/Test.cs' } });
    expect(() => mapCloudEvent(fn, { ...ce, type: 'nope' }, {})).toThrow(expect.objectContaining({ code: 'Unimplemented' }));
  });
});

describe('HTTP through the Functions Framework', () => {
  it('keeps raw binary bodies the framework parsed, with their content type', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const res = await fetch(new URL('/upload', servers.url('upload')), { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(await res.json()).toMatchObject({ size: 6, first: 0x89, type: 'image/png', provider: 'gcp' });
  });

  it('keeps the exact bytes of a JSON body (req.rawBody), not a re-serialisation', async () => {
    const raw = '{ "b" : 1,\n "a": 2 }';
    const res = await fetch(new URL('/upload', servers.url('upload')), { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    expect((await res.json()) as object).toMatchObject({ size: raw.length });
  });

  it('uses the function-execution-id header as request id and serves the bare function URL', async () => {
    const res = await fetch(servers.url('upload'), { method: 'POST', headers: { 'function-execution-id': 'exec-42' }, body: 'x' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ requestId: 'exec-42', size: 1 });
  });
});
