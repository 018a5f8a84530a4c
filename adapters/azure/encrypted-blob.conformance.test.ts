import { afterAll, beforeAll } from 'vitest';
import { encryptedBucket, generateLocalKey, localKey } from '../../src/index.js';
import { runBucketConformance } from '../../src/testing/index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { AzureBlobBucket } from './index.js';

// The whole bucket contract through encryptedBucket over Azurite: the header rides in blob metadata.
let azurite: Azurite;
const kek = localKey(generateLocalKey());
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

runBucketConformance('encrypted over AzureBlobBucket (Azurite)', async () => {
  const container = await azurite.container('enc');
  return {
    bucket: encryptedBucket(new AzureBlobBucket({ container, connectionString: azurite.connectionString, allowInsecureEndpoint: true }), kek),
    dispose: async () => void (await azurite.service.getContainerClient(container).deleteIfExists()),
  };
});
