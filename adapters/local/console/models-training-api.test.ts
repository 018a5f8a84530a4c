/**
 * The console's model and training endpoints over a real `serve()`, without
 * a browser: discovery, the promotion precondition, the report's sandbox,
 * live training events, and the app-auth guard (console:read / console:write).
 */
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { trainingProgressKey } from '../../../pipelines/image-classification/index.js';
import { defineApp, defineFunction, generateApiKey, hashApiKey, json } from '../../../src/index.js';
import { MODEL_SIGNATURE_FILE, ModelSigningKey, ModelStore } from '../../../src/model/index.js';
import { tinyModel } from '../../../src/model/test-helpers.js';
import { JwksServer } from '../../../src/testing/jwks-server.js';
import { FileBucket } from '../file-bucket.js';
import type { LocalServer } from '../serve.js';
import { serve } from '../serve.js';
import { CSRF_HEADER } from './access.js';

let dir: string;
let server: LocalServer;
let csrf: string;
let v1: string;
let v2: string;
const hello = defineFunction({ name: 'hello', trigger: { type: 'http', method: 'GET', path: '/hello' }, handler: () => json({ hi: true }) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-console-models-'));
  const store = new ModelStore(new FileBucket(dir, { durable: false }), { signing: false });
  const model = tinyModel();
  v1 = (await store.save('tiny', model, { metrics: { accuracy: 0.5 } })).version;
  v2 = (await store.save('tiny', model, { metrics: { accuracy: 0.6 } })).version;
  model.dispose();
  await store.promote('tiny', v1, 'production');
  server = await serve(defineApp({ name: 'models-api', buckets: { data: pathToFileURL(dir).href }, functions: [hello] }), { schedules: false });
  csrf = /name="polyfaas-csrf" content="([^"]+)"/.exec(await (await fetch(server.consoleUrl as string)).text())?.[1] ?? '';
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) => fetch(`${server.consoleUrl}api/${path}`, init);
const promote = (body: unknown) => api('models/data/tiny/promote', { method: 'POST', body: JSON.stringify(body), headers: { [CSRF_HEADER]: csrf, 'content-type': 'application/json' } });

describe('console model API', () => {
  it('finds the models in the app’s buckets, with versions, signature state and aliases', async () => {
    expect(await (await api('models')).json()).toEqual({ models: [{ bucket: 'data', name: 'tiny' }] });
    const detail = (await (await api('models/data/tiny')).json()) as { versions: { version: string; signature: { state: string } }[]; aliases: { alias: string; version: string }[] };
    expect(detail.versions.map((v) => v.version)).toEqual([v2, v1]);
    expect(detail.versions.map((v) => v.signature.state)).toEqual(['unsigned', 'unsigned']);
    expect(detail.aliases).toMatchObject([{ alias: 'production', version: v1 }]);
    expect((await api('models/data/nope')).status).toBe(200);
    expect((await api('models/other/tiny')).status).toBe(404);
  });

  it('promotes only from where the page saw the alias, so it never undoes a promotion it did not show', async () => {
    const stale = await promote({ alias: 'production', version: v2, expected: v2 });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain(`moved to ${v1}`);
    const moved = await promote({ alias: 'production', version: v2, expected: v1 });
    expect(await moved.json()).toEqual({ alias: 'production', version: v2, previous: v1 });
    expect((await promote({ alias: 'staging', version: v1, expected: null })).status).toBe(200);
    expect((await promote({ alias: 'production', version: 'not-a-version', expected: v2 })).status).toBe(400);
    expect((await promote('nonsense')).status).toBe(400);
    // Without the CSRF header nothing moves.
    expect((await api('models/data/tiny/promote', { method: 'POST', body: JSON.stringify({ alias: 'production', version: v1, expected: v2 }) })).status).toBe(403);
    expect((await new ModelStore(server.bucket('data'), { signing: false }).resolveAlias('tiny', 'production')).version).toBe(v2);
  });

  it('serves a stored report only as a sandboxed, script-less document the console alone may frame', async () => {
    expect((await api(`models/data/tiny/report?version=${v1}`)).status).toBe(404);
    await server.bucket('data').put(`reports/tiny/${v1}.html`, '<h1>report</h1><script>parent.document.title = "owned"</script>', { contentType: 'text/html' });
    const res = await api(`models/data/tiny/report?version=${v1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const page = await fetch(server.consoleUrl as string);
    expect(page.headers.get('content-security-policy')).toContain("frame-src 'self'");
  });
});

describe('console signature status', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('tells signed from unsigned versions, and with a verify key, verified from rejected', async () => {
    const root = await mkdtemp(join(tmpdir(), 'polyfaas-console-signed-'));
    const key = ModelSigningKey.generate('ed25519', 'console-test');
    const files = new FileBucket(root, { durable: false });
    const signed = new ModelStore(files, { signing: { signingKey: key } });
    const model = tinyModel();
    const good = (await signed.save('tiny', model)).version;
    const swapped = (await signed.save('tiny', model)).version;
    const unsigned = (await new ModelStore(files, { signing: false }).save('tiny', model)).version;
    model.dispose();
    // A signature moved from another version no longer matches this one.
    const folder = signed.layout.versionFolder('tiny', swapped);
    await files.put(folder + MODEL_SIGNATURE_FILE, (await files.get(signed.layout.versionFolder('tiny', good) + MODEL_SIGNATURE_FILE)).body, { contentType: 'application/json' });
    const states = async () => {
      const local = await serve(defineApp({ name: 'signed', buckets: { data: pathToFileURL(root).href }, functions: [hello] }), { schedules: false });
      try {
        const detail = (await (await fetch(`${local.consoleUrl}api/models/data/tiny`)).json()) as { verifies: boolean; versions: { version: string; signature: { state: string; reason?: string } }[] };
        return { verifies: detail.verifies, ...Object.fromEntries(detail.versions.map((v) => [v.version, v.signature])) };
      } finally {
        await local.close();
      }
    };
    try {
      expect(await states()).toEqual({ verifies: false, [good]: { state: 'signed' }, [swapped]: { state: 'signed' }, [unsigned]: { state: 'unsigned' } });
      vi.stubEnv('POLYFAAS_MODEL_VERIFY_KEYS', key.verifyKey().export());
      const verified = await states();
      expect(verified).toMatchObject({ verifies: true, [good]: { state: 'verified' }, [swapped]: { state: 'rejected' }, [unsigned]: { state: 'rejected', reason: 'unsigned' } });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('console training feed', () => {
  it('lists published runs and pushes each new progress write on the event stream', async () => {
    const progress = (step: number) => JSON.stringify({ format: 'polyfaas.train-progress/v1', runId: 'r1', model: 'tiny', state: 'training', step, totalSteps: 10, points: [], history: [] });
    await server.bucket('data').put(trainingProgressKey('r1'), progress(1), { contentType: 'application/json' });
    expect(await (await api('training')).json()).toMatchObject({ runs: [{ bucket: 'data', progress: { runId: 'r1', step: 1 } }] });

    const controller = new AbortController();
    const res = await api('events', { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(/retry: 2000/);
    await server.bucket('data').put('runs/r1/other.json', '{}', { contentType: 'application/json' });
    await server.bucket('data').put(trainingProgressKey('r1'), progress(7), { contentType: 'application/json' });
    await until(/event: training\ndata: .*"step":7/);
    expect(text).not.toContain('other.json');
    expect(text.match(/event: training/g)).toHaveLength(1);
    controller.abort();
  });
});

describe('console of an app with auth', () => {
  const reader = generateApiKey();
  const writer = generateApiKey();
  const outsider = generateApiKey();
  let guarded: LocalServer;
  beforeAll(async () => {
    guarded = await serve(
      defineApp({
        name: 'guarded',
        auth: {
          apiKeys: {
            env: false,
            keys: [
              { id: 'reader', sha256: hashApiKey(reader), scopes: ['console:read'] },
              { id: 'writer', sha256: hashApiKey(writer), scopes: ['console:write'] },
              { id: 'outsider', sha256: hashApiKey(outsider), scopes: ['predict'] },
            ],
          },
        },
        buckets: { data: pathToFileURL(dir).href },
        functions: [hello],
      }),
      { schedules: false },
    );
  });
  afterAll(() => guarded.close());

  const call = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${guarded.consoleUrl}${path}`, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers as Record<string, string>) } });

  it('needs credentials with a console scope to read, and console:write to change', async () => {
    expect((await call('api/functions', undefined)).status).toBe(401);
    expect((await call('api/functions', 'pfk_wrong')).status).toBe(401);
    expect((await call('api/functions', outsider)).status).toBe(403);
    expect((await call('api/functions', reader)).status).toBe(200);
    expect(await (await call('api/session', reader)).json()).toEqual({ access: 'app-auth', subject: 'reader', canWrite: false });
    const csrfOf = async (key: string) => /name="polyfaas-csrf" content="([^"]+)"/.exec(await (await call('', key)).text())?.[1] ?? '';
    const del = (key: string) => call('api/buckets/data/object?key=x.txt', key, { method: 'DELETE', headers: { [CSRF_HEADER]: csrf } });
    csrf = await csrfOf(reader);
    expect((await del(reader)).status).toBe(403);
    expect((await del(writer)).status).toBe(200);
    // The key in the URL becomes an HttpOnly cookie, which then stands for it.
    const redirect = await call(`?token=${encodeURIComponent(reader)}`, undefined, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const cookie = (redirect.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(redirect.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\/_polyfaas\//);
    expect((await call('api/functions', undefined, { headers: { cookie } })).status).toBe(200);
    expect((await call('?token=pfk_wrong', undefined, { redirect: 'manual' })).status).toBe(401);
  });

  it('takes the app’s JWTs too, with the console scopes in their scope claim', async () => {
    const issuer = await JwksServer.start();
    const jwt = { jwksUrl: issuer.url, issuer: 'https://issuer.test/', audience: 'console-test' };
    const oidc = await serve(defineApp({ name: 'oidc', auth: { jwt }, functions: [hello] }), { schedules: false });
    try {
      const token = (scope: string) => issuer.sign({ iss: jwt.issuer, aud: jwt.audience, sub: 'alice', scope });
      const session = async (bearer: string) => fetch(`${oidc.consoleUrl}api/session`, { headers: { authorization: `Bearer ${bearer}` } });
      expect(await (await session(await token('console:write'))).json()).toEqual({ access: 'app-auth', subject: 'alice', canWrite: true });
      expect(await (await session(await token('console:read'))).json()).toMatchObject({ canWrite: false });
      expect((await session(await token('predict'))).status).toBe(403);
      expect((await session((await token('console:read')).slice(0, -4) + 'AAAA')).status).toBe(401);
    } finally {
      await oidc.close();
      await issuer.close();
    }
  });

  it('refuses a console token of its own: the app’s auth is the one way in', async () => {
    await expect(serve(defineApp({ name: 'both', auth: { apiKeys: { env: false, keys: [] } }, functions: [hello] }), { console: { token: 'secret' } })).rejects.toThrow(/console.token is for apps without auth/);
  });
});
