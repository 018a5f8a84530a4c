import { afterAll, describe, expect, it } from 'vitest';
import { isPolyfaasError } from '../../../src/index.js';
import { BucketKeyValueStore } from '../../../src/adapter.js';
import { startLocalS3 } from '../../../test/aws/s3-server.js';
import { S3Bucket } from './s3-bucket.js';

const s3 = await startLocalS3();
afterAll(() => s3.close());
await s3.createBucket('kv-aba');
const bucket = new S3Bucket('s3://kv-aba/state/', { client: s3.client });

describe('the bucket-backed store on S3 (s3rver)', () => {
  it('gets a new version for every write, though S3 ETags are the MD5 of the body', async () => {
    // The premise: the same bytes written twice keep their ETag on S3.
    const first = await bucket.put('raw/same', 'same bytes');
    const second = await bucket.put('raw/same', 'same bytes');
    expect(second.etag).toBe(first.etag);

    const kv = new BucketKeyValueStore(bucket);
    const v1 = await kv.put('k', { same: true });
    const v2 = await kv.put('k', { same: true });
    expect(v2.version).not.toBe(v1.version);
    const stale = await kv.put('k', { same: false }, { ifVersion: v1.version }).catch((e: unknown) => e);
    expect(isPolyfaasError(stale, 'PreconditionFailed')).toBe(true);
    expect((await kv.get('k'))?.value).toEqual({ same: true });
  }, 60_000);
});
