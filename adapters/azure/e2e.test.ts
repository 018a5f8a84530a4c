import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { createImageClassificationApp } from '../../pipelines/image-classification/index.js';
import { labelDir } from '../../pipelines/image-classification/layout.js';
import { decodeShard } from '../../pipelines/image-classification/shards.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_DATASET } from '../../examples/fashion-mnist/data/labels.js';
import { testImagePng } from '../../examples/fashion-mnist/demo-prediction.js';
import { loadFixtureData } from '../../examples/fashion-mnist/test-support.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { captureRegistrations } from '../../test/azure/functions-core-stub.js';
import { EmulatedHost } from '../../test/azure/host.js';
import { AzureBlobBucket, maxDequeueCount, registerAzure } from './index.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

describe('Fashion-MNIST on Azure Functions over Azurite', () => {
  it('turns one uploaded PNG into a one-example feature shard through the captured blob trigger', { timeout: 120_000 }, async () => {
    const data = await loadFixtureData();
    const container = await azurite.container('fashion');
    const app = createImageClassificationApp({
      name: 'fashion-mnist',
      dataset: FASHION_MNIST_DATASET,
      bucket: 'azblob://placeholder/',
      preprocess: { input: { width: 28, height: 28, channels: 1 }, classes: FASHION_MNIST_CLASSES, incremental: true },
    });
    // Bound exactly as a deployment is: through the POLYFAAS_BUCKET_DATA app setting.
    const { functions } = captureRegistrations(() =>
      registerAzure(app, {
        env: { POLYFAAS_BUCKET_DATA: `azblob://${container}/fashion` },
        storage: { connectionString: azurite.connectionString },
        log: createLogger({ level: 'silent' }),
      }),
    );
    expect(functions.find((f) => f.name === 'preprocess')?.trigger.path).toBe(`${container}/fashion/raw/{name}`);
    const host = new EmulatedHost(functions, { service: azurite.service, containers: [container], maxDequeueCount: maxDequeueCount(app) });

    const index = 3;
    const label = data.test.labels[index] as number;
    const key = `raw/fashion-mnist/test/${labelDir(label, FASHION_MNIST_CLASSES[label] as string)}/00003.png`;
    const bucket = new AzureBlobBucket({ container, prefix: 'fashion', connectionString: azurite.connectionString });
    await bucket.put(key, await testImagePng(data, index), { contentType: 'image/png' });
    await host.idle();
    expect(host.poison).toEqual([]);

    const shards = [];
    for await (const info of bucket.list({ prefix: 'features/fashion-mnist/test/examples/' })) shards.push(info);
    expect(shards).toHaveLength(1);
    const shard = decodeShard((await bucket.get(shards[0]!.key)).body);
    expect(shard.header.sources[0]?.key).toBe(key);
    expect(Array.from(shard.labels)).toEqual([label]);
    const pixels = data.test.images.subarray(index * 784, (index + 1) * 784);
    expect(Array.from(shard.features.subarray(0, 784))).toEqual(Array.from(pixels));
    // The shard was written under the binding's prefix in the container, as the blob trigger saw it.
    const raw = azurite.service.getContainerClient(container).getBlobClient(`fashion/${shards[0]!.key}`);
    expect(await raw.exists()).toBe(true);

    // No model is trained yet: the HTTP side answers with the pipeline's neutral 503, through the real route table.
    const info = await host.http({ method: 'GET', path: '/model' });
    expect(info.headers['content-type']).toMatch(/^application\/json/);
    expect(info.status).toBe(503);
    expect(info.json<{ error?: { code: string } }>().error?.code).toBe('Unavailable');
  });
});
