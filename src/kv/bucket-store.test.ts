import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket, registerSchemes as registerMemorySchemes } from '../../adapters/memory/index.js';
import { runKeyValueConformance } from '../testing/index.js';
import { BucketKeyValueStore } from './bucket-store.js';
import { openBucket } from '../storage/url.js';
import { openKeyValueStore } from './url.js';

const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-kv-bucket-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// Over a directory: conditional puts are decided by FileBucket's ifMatch/ifNoneMatch across real processes.
runKeyValueConformance('bucket-backed (FileBucket)', {
  open: async () => new BucketKeyValueStore(new FileBucket(dir, { durable: false })),
  processes: { url: `bucket+${pathToFileURL(dir).href}?durable=false`, module: path.resolve(import.meta.dirname, '../../adapters/local/index.ts') },
});

const memory = new MemoryBucket('kv-conformance');
runKeyValueConformance('bucket-backed (MemoryBucket)', { open: async () => new BucketKeyValueStore(memory) });

describe('BucketKeyValueStore', () => {
  it('opens as bucket+<bucket URL> and keeps entries under kv/ in that bucket', async () => {
    registerMemorySchemes();
    const kv = await openKeyValueStore('bucket+mem://kv-url');
    expect(kv.name).toBe('bucket+mem://kv-url');
    await kv.put('k', 'v', { ttlMs: 60_000 });
    const { objects } = await (await openBucket('mem://kv-url')).listPage();
    expect(objects).toHaveLength(1);
    expect(objects[0]?.key).toMatch(/^kv\/[0-9a-f]{64}$/);
    expect(Number(objects[0]?.metadata['kv-expires-at'])).toBeGreaterThan(Date.now());
  });

  it('deletes conditionally by writing an expired tombstone, which a later ifAbsent replaces', async () => {
    const bucket = new MemoryBucket('kv-tombstone');
    const kv = new BucketKeyValueStore(bucket);
    const { version } = await kv.put('k', 1);
    await kv.delete('k', { ifVersion: version });
    expect(await kv.get('k')).toBeUndefined();
    const [object] = (await bucket.listPage()).objects;
    expect(object?.metadata['kv-deleted']).toBe('1');
    await kv.put('k', 2, { ifAbsent: true });
    expect((await kv.get('k'))?.value).toBe(2);
  });
});
