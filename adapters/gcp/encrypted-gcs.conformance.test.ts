import { afterAll, beforeAll } from 'vitest';
import { encryptedBucket, generateLocalKey, localKey } from '../../src/index.js';
import { runBucketConformance } from '../../src/testing/index.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { GcsBucket } from './index.js';

// The whole bucket contract through encryptedBucket over the real GCS client and the GCS stand-in.
let standIn: GcsStandIn;
let counter = 0;
const kek = localKey(generateLocalKey());
beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(async () => {
  await standIn?.close();
});

runBucketConformance('encrypted over GcsBucket (GCS stand-in)', async () => {
  const name = `encrypted-${process.pid}-${++counter}`;
  standIn.createBucket(name);
  return { bucket: encryptedBucket(new GcsBucket(name, { storage: { apiEndpoint: standIn.url, projectId: 'test' }, allowInsecureEndpoint: true }), kek) };
});
