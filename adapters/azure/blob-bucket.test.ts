import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBucket } from '../../src/index.js';
import { runBucketConformance } from '../../src/testing/index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { AzureBlobBucket, parseAzblobUrl, registerSchemes } from './index.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

runBucketConformance('AzureBlobBucket on Azurite', async () => {
  const container = await azurite.container('conf');
  return {
    bucket: new AzureBlobBucket({ container, connectionString: azurite.connectionString }),
    dispose: async () => void (await azurite.service.getContainerClient(container).deleteIfExists()),
  };
});

runBucketConformance(
  'AzureBlobBucket under a prefix',
  async () => {
    const container = await azurite.container('prefixed');
    return { bucket: new AzureBlobBucket({ container, prefix: 'tenant/a', connectionString: azurite.connectionString }) };
  },
  { skipLargeObject: true },
);

describe('AzureBlobBucket specifics', () => {
  it('parses azblob URLs', () => {
    expect(parseAzblobUrl('azblob://data/fashion')).toEqual({ container: 'data', prefix: 'fashion/' });
    expect(parseAzblobUrl('azblob://data')).toEqual({ container: 'data', prefix: '' });
    expect(() => parseAzblobUrl('s3://data')).toThrow(/azblob/);
  });

  it('opens azblob:// URLs once registered, reading the connection string from the environment', async () => {
    const container = await azurite.container('opened');
    const previous = process.env.AZURE_STORAGE_CONNECTION_STRING;
    process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    try {
      registerSchemes();
      const bucket = await openBucket(`azblob://${container}/pre`);
      await bucket.put('k.txt', 'v');
      const blob = azurite.service.getContainerClient(container).getBlockBlobClient('pre/k.txt');
      expect((await blob.getProperties()).contentLength).toBe(1);
    } finally {
      if (previous === undefined) delete process.env.AZURE_STORAGE_CONNECTION_STRING;
      else process.env.AZURE_STORAGE_CONNECTION_STRING = previous;
    }
  });

  it('fails with InvalidArgument without a connection string', () => {
    const previous = process.env.AZURE_STORAGE_CONNECTION_STRING;
    delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    try {
      expect(() => new AzureBlobBucket({ container: 'x' })).toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
    } finally {
      if (previous !== undefined) process.env.AZURE_STORAGE_CONNECTION_STRING = previous;
    }
  });

  it('stores portable metadata keys Azure would reject (hyphens, leading digits) and reads them back', async () => {
    const container = await azurite.container('meta');
    const bucket = new AzureBlobBucket({ container, connectionString: azurite.connectionString });
    await bucket.put('m', 'x', { metadata: { 'source-etag': 'a', '7run': 'b' } });
    expect((await bucket.head('m')).metadata).toEqual({ 'source-etag': 'a', '7run': 'b' });
  });
});
