import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { runBucketConformance } from '../testing/index.js';
import { encryptedBucket } from './encrypted-bucket.js';
import { generateLocalKey, localKey } from './local-key.js';

// The whole storage contract through the encrypted wrapper: it must be invisible to callers.
const kek = localKey(generateLocalKey());

runBucketConformance('encrypted over memory', async () => ({ bucket: encryptedBucket(new MemoryBucket('enc'), kek) }));

runBucketConformance('encrypted over memory, data keys cached', async () => ({
  bucket: encryptedBucket(new MemoryBucket('enc-cached'), kek, { dataKeyCache: { maxAgeMs: 60_000, maxUses: 5 } }),
}));

runBucketConformance('encrypted over file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-enc-'));
  return { bucket: encryptedBucket(new FileBucket(dir), kek), dispose: () => rm(dir, { recursive: true, force: true }) };
});
