import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBucket } from '../../src/index.js';
import { runBucketConformance } from '../../src/testing/index.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { GcsBucket, registerSchemes } from './index.js';

let standIn: GcsStandIn;
let counter = 0;

beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(async () => {
  await standIn?.close();
});

/** A fresh bucket on the stand-in; the real client talks to it over HTTP. */
function freshBucket(prefix?: string): GcsBucket {
  const name = `conformance-${process.pid}-${++counter}`;
  standIn.createBucket(name);
  return new GcsBucket(name, { storage: { apiEndpoint: standIn.url, projectId: 'test' }, ...(prefix ? { prefix } : {}) });
}

runBucketConformance('GcsBucket (real client against the GCS stand-in)', async () => ({ bucket: freshBucket() }));

describe('GcsBucket specifics', () => {
  it('keeps keys under the prefix and strips it again', async () => {
    const bucket = freshBucket('fashion');
    await bucket.put('models/a.json', '{}');
    const name = bucket.name.replace(/^gs:\/\/([^/]+)\/.*$/, '$1');
    expect(standIn.objectNames(name)).toEqual(['fashion/models/a.json']);
    expect((await bucket.head('models/a.json')).key).toBe('models/a.json');
    const page = await bucket.listPage({ prefix: 'models/' });
    expect(page.objects.map((o) => o.key)).toEqual(['models/a.json']);
  });

  it('uses the generation as etag and rejects a non-generation etag', async () => {
    const bucket = freshBucket();
    const info = await bucket.put('g', 'x');
    expect(info.etag).toMatch(/^\d+$/);
    await expect(bucket.put('g', 'y', { ifMatch: 'not-a-generation' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('uploads big byte bodies resumably and small ones in one request', async () => {
    const name = `threshold-${++counter}`;
    standIn.createBucket(name);
    const bucket = new GcsBucket(name, { storage: { apiEndpoint: standIn.url, projectId: 'test' }, resumableThresholdBytes: 1024 });
    const before = { ...standIn.uploads };
    await bucket.put('small', new Uint8Array(10));
    expect(standIn.uploads.multipart).toBe(before.multipart + 1);
    await bucket.put('big', new Uint8Array(4096).fill(7));
    expect(standIn.uploads.resumable).toBe(before.resumable + 1);
    expect((await bucket.get('big')).body.every((b) => b === 7)).toBe(true);
    expect((await bucket.head('small')).size).toBe(10);
  });

  it('opens gs:// URLs once registered', async () => {
    standIn.createBucket('by-url');
    registerSchemes({ apiEndpoint: standIn.url, projectId: 'test' });
    const bucket = await openBucket('gs://by-url/pre/');
    await bucket.put('k', 'v');
    expect(standIn.objectNames('by-url')).toEqual(['pre/k']);
  });

  it('answers Unavailable when the service cannot be reached', async () => {
    const bucket = new GcsBucket('nowhere', { storage: { apiEndpoint: 'http://127.0.0.1:9', projectId: 'test', retryOptions: { autoRetry: false } } });
    await expect(bucket.head('k')).rejects.toMatchObject({ code: 'Unavailable' });
  });
});
