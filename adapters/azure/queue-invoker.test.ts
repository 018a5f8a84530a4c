import { resolve } from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, map } from '../../src/index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { AZURITE_ACCOUNT, startAzurite } from '../../test/azure/azurite.js';
import { captureRegistrations } from '../../test/azure/functions-core-stub.js';
import { EmulatedHost } from '../../test/azure/host.js';
import type { ServerProcess } from '../../test/support/server-process.js';
import { freePort, startServerProcess } from '../../test/support/server-process.js';
import { AzureBlobBucket, maxDequeueCount, registerAzure } from './index.js';
import { storageQueueInvoker } from './queue-invoker.js';
import { app } from './test-support/map-app.js';

/** map through Azurite's queue service: messages taken off the real queue and run by the emulated Functions host. */
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
let azurite: Azurite;
let queueServer: ServerProcess;
let queues: QueueServiceClient;

beforeAll(async () => {
  azurite = await startAzurite();
  const port = await freePort();
  queues = QueueServiceClient.fromConnectionString(`DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${KEY};QueueEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`);
  queueServer = await startServerProcess({
    name: `azurite-queue on port ${port}`,
    command: resolve('node_modules/.bin/azurite-queue'),
    args: ['--queueHost', '127.0.0.1', '--queuePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry'],
    tempDir: 'polyfaas-azurite-queue-',
    ready: () => queues.getProperties(),
    timeoutMs: 60_000,
    intervalMs: 200,
  });
}, 120_000);

afterAll(async () => {
  await queueServer?.stop();
  await azurite?.stop();
});

describe('map over Azure storage queues (Azurite)', () => {
  it('queues tasks on the function’s queue and reads results and coded failures from the blob bucket', async () => {
    const container = await azurite.container('maps');
    const { functions } = captureRegistrations(() =>
      registerAzure(app, { env: { POLYFAAS_BUCKET_DATA: `azblob://${container}/m` }, storage: { connectionString: azurite.connectionString }, log: createLogger({ level: 'silent' }) }),
    );
    const host = new EmulatedHost(functions, { service: azurite.service, containers: [container], maxDequeueCount: maxDequeueCount(app) });
    const queue = queues.getQueueClient('square');
    await queue.create();
    // The host's queue listener: take messages off Azurite's queue, decode them as the host does, run the trigger.
    let polling = true;
    let taken = 0;
    const listener = (async () => {
      while (polling) {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 16, visibilityTimeout: 30 });
        for (const m of receivedMessageItems) {
          taken++;
          host.enqueue('square', [Buffer.from(m.messageText, 'base64').toString('utf8')]);
          await queue.deleteMessage(m.messageId, m.popReceipt);
        }
        if (receivedMessageItems.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const bucket = new AzureBlobBucket({ container, prefix: 'm', connectionString: azurite.connectionString });
      const items = Array.from({ length: 20 }, (_, n) => ({ n, failFirst: n % 7 === 2, invalid: n === 19 }));
      const run = await map<(typeof items)[number], { square: number; launch: number }>('square', items, {
        invoker: storageQueueInvoker({ service: queues }),
        bucket,
        concurrency: 8,
        backoffMs: 5,
        pollMs: 20,
        stragglers: false,
        deadline: Date.now() + 60_000,
      });
      expect(run.items.slice(0, 19).map((i) => i.ok && i.value.square)).toEqual(items.slice(0, 19).map((i) => i.n * i.n));
      expect(run.items[2]).toMatchObject({ ok: true, value: { launch: 2 }, launches: 2 });
      const last = run.items[19];
      expect(last?.ok === false && [last.error.code, last.error.message, last.launches]).toEqual(['InvalidArgument', 'item 19 is invalid', 1]);
      expect(taken).toBe(run.stats.launches);
      expect(host.poison).toEqual([]);
    } finally {
      polling = false;
      await listener;
    }
  }, 90_000);
});
