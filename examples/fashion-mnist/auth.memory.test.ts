import { describe, expect, it } from 'vitest';
import { createMemoryRuntime, MemoryBucket } from 'polyfaas/memory';
import { generateApiKey, hashApiKey } from 'polyfaas';
import { fashionMnistApp } from './app.js';

describe('Fashion-MNIST with auth: /predict and /model need a key with the right scope', () => {
  it('refuses callers without a key (401) or without the scope (403) before the pipeline runs', async () => {
    const reader = generateApiKey();
    const predictor = generateApiKey();
    const app = fashionMnistApp({
      bucket: new MemoryBucket('fashion-auth'),
      auth: {
        apiKeys: {
          env: false,
          keys: [
            { id: 'reader', sha256: hashApiKey(reader), scopes: ['model:read'] },
            { id: 'predictor', sha256: hashApiKey(predictor), scopes: ['predict'] },
          ],
        },
      },
    });
    const rt = await createMemoryRuntime(app);
    const predict = (key?: string) => rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png', ...(key ? { 'x-api-key': key } : {}) }, body: new Uint8Array([1]) });
    const model = (key?: string) => rt.http({ method: 'GET', path: '/model', headers: key ? { authorization: `Bearer ${key}` } : {} });

    expect((await predict()).status).toBe(401);
    expect((await model()).status).toBe(401);
    expect((await predict(reader)).status).toBe(403);
    expect((await model(predictor)).status).toBe(403);
    // With the scope the request reaches the function, which has no model yet.
    expect((await predict(predictor)).json()).toMatchObject({ error: { code: 'Unavailable' } });
    expect((await model(reader)).status).not.toBe(401);
    expect((await model(reader)).status).not.toBe(403);
    // Storage-triggered steps are not HTTP: auth does not apply to them.
    expect(app.functions.filter((f) => f.auth !== undefined).map((f) => f.name).sort()).toEqual(['model-info', 'pipeline-status', 'predict']);
  });
});
