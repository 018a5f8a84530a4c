import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageCloudEvent } from '../../test/gcp/eventarc-stand-in.js';
import type { FrameworkProcess } from '../../test/gcp/framework-process.js';
import { startFrameworkProcess } from '../../test/gcp/framework-process.js';
import type { ObjectChange } from '../../test/gcp/gcs-stand-in.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { GcsBucket } from './index.js';

// The real `functions-framework` binary in its own process, one per --target, loading TypeScript through tsx.
let standIn: GcsStandIn;
let copy: FrameworkProcess;
let boom: FrameworkProcess;

beforeAll(async () => {
  standIn = await GcsStandIn.start();
  standIn.createBucket('proc-bucket');
  const start = (target: string) =>
    startFrameworkProcess({
      source: resolve('test/gcp/process-app.ts'),
      target,
      nodeArgs: ['--import', 'tsx'],
      env: { POLYFAAS_BUCKET_DATA: 'gs://proc-bucket/p', STORAGE_EMULATOR_HOST: standIn.url, GOOGLE_CLOUD_PROJECT: 'test', POLYFAAS_LOG_LEVEL: 'silent' },
    });
  [copy, boom] = await Promise.all([start('copy'), start('boom')]);
}, 120_000);

afterAll(async () => {
  await Promise.all([copy?.stop(), boom?.stop()]);
  await standIn?.close();
});

describe('functions-framework processes (--target per function)', () => {
  it('runs a storage function for a GCS CloudEvent POSTed over loopback', async () => {
    const changes: ObjectChange[] = [];
    const unsubscribe = standIn.onChange((c) => changes.push(c));
    const bucket = new GcsBucket('proc-bucket', { prefix: 'p/', storage: { apiEndpoint: standIn.url, projectId: 'test' } });
    await bucket.put('in/a.txt', 'hello from gcs');
    unsubscribe();
    const change = changes.find((c) => c.object.name === 'p/in/a.txt');
    if (!change) throw new Error('the stand-in reported no change');
    const event = storageCloudEvent(change, 'evt-1');
    const res = await fetch(copy.url, { method: 'POST', headers: event.headers, body: event.body });
    expect(res.status, copy.output()).toBe(204);
    const out = await bucket.get('out/a.txt');
    expect(new TextDecoder().decode(out.body)).toBe('hello from gcs');
    expect(out.metadata).toMatchObject({ attempt: '1', source: 'copy' });
  });

  it('acknowledges objects outside the trigger prefix without running the handler', async () => {
    const event = storageCloudEvent({ kind: 'finalized', object: { bucket: 'proc-bucket', name: 'p/elsewhere/b.txt', size: '1', generation: '1' } as ObjectChange['object'] }, 'evt-2');
    expect((await fetch(copy.url, { method: 'POST', headers: event.headers, body: event.body })).status).toBe(204);
    expect(standIn.objectNames('proc-bucket')).not.toContain('p/out/b.txt');
  });

  it('acknowledges an unknown CloudEvent type (no retry can fix it) and answers a failing handler with a non-2xx coded error and no stack', async () => {
    const unknown = await fetch(copy.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x1', 'ce-source': '//example.com/x', 'ce-type': 'com.example.unknown' },
      body: '{}',
    });
    expect(unknown.status).toBe(204);
    // The object is gone, so the handler's read fails: a retryable, coded failure.
    const event = storageCloudEvent({ kind: 'finalized', object: { bucket: 'proc-bucket', name: 'p/in/missing.txt', size: '1', generation: '1' } as ObjectChange['object'] }, 'evt-3');
    const res = await fetch(copy.url, { method: 'POST', headers: event.headers, body: event.body });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toMatch(/^NotFound: /);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('answers a failing HTTP handler with a neutral JSON 500 that leaks nothing', async () => {
    const res = await fetch(`${boom.url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'Internal', message: 'Internal error' } });
    expect(text).not.toMatch(/secret|\/srv\/app|at .*\(|\.ts:\d+/);
  });
});
