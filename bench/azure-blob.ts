/**
 * AzureBlobBucket vs raw `@azure/storage-blob` calls (`uploadData` /
 * `downloadToBuffer` on a block blob client) against Azurite (the test
 * suite's helper, in-memory persistence), for 1 KiB and 8 MiB objects. Same
 * service client; raw and polyfaas calls alternate; medians of ms/op.
 *
 * Usage: npx tsx bench/azure-blob.ts [--quick]
 */
import { AzureBlobBucket } from '../adapters/azure/blob-bucket.js';
import { startAzurite } from '../test/azure/azurite.js';
import { runStandalone } from './support/standalone.js';
import { compareStorage } from './support/storage-compare.js';
import type { BenchOptions, BenchRow } from './support/types.js';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const azurite = await startAzurite();
  try {
    const container = await azurite.container('bench');
    const client = azurite.service.getContainerClient(container);
    const bucket = new AzureBlobBucket({ container, serviceClient: azurite.service });
    const type = 'application/octet-stream';
    const ops = {
      rawPut: (key: string, body: Uint8Array) => client.getBlockBlobClient(key).uploadData(body, { blobHTTPHeaders: { blobContentType: type } }),
      rawGet: async (key: string) => (await client.getBlockBlobClient(key).downloadToBuffer()).byteLength,
      ourPut: (key: string, body: Uint8Array) => bucket.put(key, body, { contentType: type }),
      ourGet: async (key: string) => (await bucket.get(key)).body.byteLength,
    };
    const note = 'Azurite (in-memory), same service client';
    return [
      ...(await compareStorage('AzureBlobBucket (vs raw storage-blob)', '1 KiB', 1024, opts.quick ? 40 : 200, ops, note)),
      ...(await compareStorage('AzureBlobBucket (vs raw storage-blob)', '8 MiB', 8 * 2 ** 20, opts.quick ? 4 : 25, ops, note)),
    ];
  } finally {
    await azurite.stop();
  }
}

await runStandalone(import.meta.url, run);
