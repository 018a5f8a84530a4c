import { describe, expect, it } from 'vitest';
import type { BlobServiceClient } from '@azure/storage-blob';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import { captureRegistrations } from '../../test/azure/functions-core-stub.js';
import { EmulatedHost } from '../../test/azure/host.js';
import { registerAzure } from './index.js';

const app = defineApp({
  functions: [
    defineFunction({
      name: 'item',
      trigger: { type: 'http', method: 'GET', path: '/items/:id' },
      handler: (req) => json({ fn: 'item', id: req.params.id, path: req.path }),
    }),
    defineFunction({ name: 'create', trigger: { type: 'http', method: 'POST', path: '/items' }, handler: () => json({ fn: 'create' }, 201) }),
  ],
});

function host(): EmulatedHost {
  const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: createLogger({ level: 'silent' }) }));
  // HTTP only: the host's blob scanning is never used here.
  return new EmulatedHost(functions, { service: {} as BlobServiceClient, containers: [], maxDequeueCount: 5 });
}

describe('Azure HTTP: routed once, by the host', () => {
  it('runs the function the host routed to, with the host’s route parameters, without routing again', async () => {
    // The host matches literal segments case-insensitively; a second, case-sensitive router answered 404.
    const res = await host().http({ method: 'GET', path: '/ITEMS/42' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ fn: 'item', id: '42', path: '/ITEMS/42' });
  });

  it('keeps the neutral 404 and 405 on the catch-all route, which the runtime routes', async () => {
    const h = host();
    const missing = await h.http({ method: 'GET', path: '/nowhere' });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NotFound' } });
    const wrongMethod = await h.http({ method: 'DELETE', path: '/items' });
    expect(wrongMethod.status).toBe(405);
    expect((await h.http({ method: 'POST', path: '/items' })).status).toBe(201);
  });
});
