import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import type { FunctionServers } from '../../test/gcp/function-servers.js';
import { startFunctionServers } from '../../test/gcp/function-servers.js';
import { registerGcp } from './index.js';

let servers: FunctionServers | undefined;
afterEach(async () => {
  await servers?.close();
  servers = undefined;
});

describe('GCP HTTP: the platform routes, the runtime only fits the request to its function', () => {
  it('serves the bare function URL without rewriting the path, and still answers 404/405 off its route', async () => {
    const app = defineApp({
      functions: [
        defineFunction({
          name: 'gcp-model-info',
          trigger: { type: 'http', method: 'GET', path: '/model' },
          handler: (req) => json({ path: req.path, cookies: 2 }, 200, { 'set-cookie': ['a=1', 'b=2'] }),
        }),
        defineFunction({
          name: 'gcp-item',
          trigger: { type: 'http', method: 'GET', path: '/items/:id' },
          handler: (req) => json({ id: req.params.id }),
        }),
      ],
    });
    const targets = registerGcp(app, { env: {}, log: createLogger({ level: 'silent' }) });
    servers = await startFunctionServers(targets.map((t) => t.name));
    const bare = await fetch(`${servers.url('gcp-model-info')}/`);
    expect(bare.status).toBe(200);
    // The handler sees the path the client sent, not one made up to satisfy a second router.
    expect(await bare.json()).toEqual({ path: '/', cookies: 2 });
    expect(bare.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await (await fetch(`${servers.url('gcp-item')}/items/a%20b`)).json()).toEqual({ id: 'a b' });
    // A route with parameters cannot be reached bare: nothing would fill them.
    expect((await fetch(`${servers.url('gcp-item')}/`)).status).toBe(404);
    expect((await fetch(`${servers.url('gcp-model-info')}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${servers.url('gcp-model-info')}/model`, { method: 'DELETE' })).status).toBe(405);
  });
});
