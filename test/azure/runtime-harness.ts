import { createLogger, defineApp } from '../../src/index.js';
import type { RuntimeHarness } from '../../src/testing/index.js';
import { AzureBlobBucket, maxDequeueCount, registerAzure } from '../../adapters/azure/index.js';
import type { Azurite } from './azurite.js';
import { captureRegistrations } from './functions-core-stub.js';
import { EmulatedHost } from './host.js';

/**
 * The Azure adapter as a {@link RuntimeHarness}: the app's handlers captured
 * from `@azure/functions` registrations and run by {@link EmulatedHost}, with
 * blob triggers and queues over Azurite.
 */
export function azureHarness(azurite: Azurite): RuntimeHarness {
  return {
    async start(app, opts) {
      const containers: Record<string, string> = {};
      for (const name of Object.keys(app.buckets)) containers[name] = await azurite.container(name);
      const buckets = Object.fromEntries(Object.entries(containers).map(([name, c]) => [name, `azblob://${c}/`]));
      const { functions } = captureRegistrations(() =>
        registerAzure(app, { env: {}, buckets, storage: { connectionString: azurite.connectionString }, log: createLogger({ level: 'silent' }) }),
      );
      // The host-wide poison threshold the bundle writes to host.json; the suite's `retries` overrides every function's.
      const retried =
        opts.retries === undefined
          ? app
          : defineApp({ name: app.name, functions: app.functions.map((fn) => ({ ...fn, retries: opts.retries })), buckets: app.buckets, stores: app.stores, ...(app.auth ? { auth: app.auth } : {}) });
      const host = new EmulatedHost(functions, {
        service: azurite.service,
        containers: Object.values(containers),
        maxDequeueCount: maxDequeueCount(retried),
        ...(opts.retries === undefined ? {} : { timerRetries: opts.retries }),
        ...(opts.deliverTwice ? { deliverTwice: true } : {}),
      });
      return {
        http: (init) => host.http(init),
        bucket: (name) => new AzureBlobBucket({ container: containers[name] as string, connectionString: azurite.connectionString }),
        async send(queue, body) {
          if (host.enqueue(queue, typeof body === 'string' ? [body] : body) === 0) throw new Error(`No queue trigger on ${queue}`);
        },
        tick: async (name) => host.fireTimer(name),
        idle: () => host.idle(),
        deadLetters: () => host.poison,
        close: async () => {
          await host.idle();
          await Promise.all(Object.values(containers).map((c) => azurite.service.getContainerClient(c).deleteIfExists()));
        },
      };
    },
  };
}
