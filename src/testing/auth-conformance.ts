import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashApiKey } from '../auth/api-keys.js';
import type { AuthInfo } from '../auth/types.js';
import { json } from '../events/http.js';
import type { AppDefinition } from '../function.js';
import { defineApp, defineFunction } from '../function.js';
import type { HttpResult } from '../runtime/http-result.js';
import { WARMUP_HEADER, WARMUP_TOKEN_ENV } from '../runtime/warmup.js';
import { JwksServer, unsignedToken } from './jwks-server.js';
import type { RunningApp } from './runtime-conformance.js';

const PREDICT_KEY = 'pfk_conformance-predict-key';
const ADMIN_KEY = 'pfk_conformance-admin-key';
const ROTATED_KEY = 'pfk_conformance-next-key';
const ISSUER = 'https://issuer.conformance.test/';
const AUDIENCE = 'polyfaas-conformance';

type ErrorJson = { error: { code: string; message: string; requestId?: string } };

/** The caller as the handler saw it, echoed back. */
const whoami = (auth: AuthInfo | undefined) =>
  json({ subject: auth?.subject ?? null, scopes: auth?.scopes ?? null, method: auth?.method ?? null, claims: auth?.claims ?? null });

/** Checks a refusal: the neutral JSON error with `code`, nothing about why. */
function expectRefusal(res: HttpResult, status: number, code: string): ErrorJson {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<ErrorJson>();
  expect(body.error.code).toBe(code);
  // The reason (unknown key, expired, wrong audience, which scope) stays in the log.
  expect(res.text()).not.toMatch(/key|scope|expired|audience|issuer|signature|jwt|models:write|predict/i);
  return body;
}

/**
 * The auth cases of the runtime contract, the same on every adapter: API keys
 * (both headers, rotation, constant answers), scopes, JWTs from a JWKS on
 * loopback (rotation, expiry, audience, `none`, algorithm confusion), rate
 * limits and warm-up pings. Call inside the suite's `describe`.
 */
export function authConformanceCases(start: (app: AppDefinition) => Promise<RunningApp>): void {
  let issuer: JwksServer;
  beforeAll(async () => {
    issuer = await JwksServer.start();
  });
  afterAll(() => issuer?.close());

  const keyed = (handled: string[]) =>
    defineApp({
      name: 'auth-keys',
      auth: {
        apiKeys: {
          env: false,
          keys: [
            { id: 'predictor', sha256: hashApiKey(PREDICT_KEY), scopes: ['predict'] },
            { id: 'admin', sha256: hashApiKey(ADMIN_KEY), scopes: ['predict', 'models:write'] },
            { id: 'next', sha256: hashApiKey(ROTATED_KEY), scopes: ['predict'] },
          ],
        },
        scopes: ['predict'],
      },
      functions: [
        defineFunction({
          name: 'predict',
          trigger: { type: 'http', method: 'POST', path: '/predict' },
          handler: (_req, ctx) => {
            handled.push('predict');
            return whoami(ctx.auth);
          },
        }),
        defineFunction({
          name: 'upload-model',
          trigger: { type: 'http', method: 'PUT', path: '/model' },
          auth: { scopes: ['models:write'] },
          handler: (_req, ctx) => {
            handled.push('upload-model');
            return whoami(ctx.auth);
          },
        }),
        defineFunction({
          name: 'health',
          trigger: { type: 'http', method: 'GET', path: '/health' },
          auth: 'public',
          handler: (_req, ctx) => json({ ok: true, auth: ctx.auth ?? null }),
        }),
      ],
    });

  it('auth: API keys — 401 with WWW-Authenticate without or with a wrong key, the handler never runs; Bearer and x-api-key both work; rotated keys coexist', async () => {
    const handled: string[] = [];
    const rt = await start(keyed(handled));
    const missing = await rt.http({ method: 'POST', path: '/predict' });
    expectRefusal(missing, 401, 'Unauthorized');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="auth-keys"');
    const wrong = await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${PREDICT_KEY}x` } });
    expectRefusal(wrong, 401, 'Unauthorized');
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="auth-keys", error="invalid_token"$/);
    // The same answer whatever was wrong: the message does not tell a missing key from a bad one.
    expect(wrong.json<ErrorJson>().error.message).toBe(missing.json<ErrorJson>().error.message);
    expectRefusal(await rt.http({ method: 'POST', path: '/predict', headers: { 'x-api-key': '' } }), 401, 'Unauthorized');
    expectRefusal(await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Basic ${Buffer.from(`a:${PREDICT_KEY}`).toString('base64')}` } }), 401, 'Unauthorized');
    expect(handled).toEqual([]);

    const bearer = await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${PREDICT_KEY}` } });
    expect(bearer.status).toBe(200);
    expect(bearer.json()).toEqual({ subject: 'predictor', scopes: ['predict'], method: 'api-key', claims: { keyId: 'predictor' } });
    const header = await rt.http({ method: 'POST', path: '/predict', headers: { 'x-api-key': ROTATED_KEY } });
    expect(header.status).toBe(200);
    expect(header.json()).toMatchObject({ subject: 'next', method: 'api-key' });
    expect(handled).toEqual(['predict', 'predict']);
    // A function that opts out with 'public' needs nothing and sees no caller.
    const health = await rt.http({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ ok: true, auth: null });
  });

  it('auth: per-function scopes — 403 when the key lacks the scope, allowed with it', async () => {
    const handled: string[] = [];
    const rt = await start(keyed(handled));
    const denied = await rt.http({ method: 'PUT', path: '/model', headers: { authorization: `Bearer ${PREDICT_KEY}` } });
    expectRefusal(denied, 403, 'Forbidden');
    expect(denied.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect(handled).toEqual([]);
    const allowed = await rt.http({ method: 'PUT', path: '/model', headers: { 'x-api-key': ADMIN_KEY } });
    expect(allowed.status).toBe(200);
    expect(allowed.json()).toMatchObject({ subject: 'admin', scopes: ['predict', 'models:write'] });
    expect(handled).toEqual(['upload-model']);
  });

  const tokenApp = (handled: string[]) =>
    defineApp({
      name: 'auth-jwt',
      auth: { jwt: { jwksUrl: issuer.url, issuer: ISSUER, audience: AUDIENCE, clockSkewSec: 5, jwksCooldownMs: 0 } },
      functions: [
        defineFunction({
          name: 'predict',
          trigger: { type: 'http', method: 'POST', path: '/predict' },
          auth: { scopes: ['predict'] },
          handler: (_req, ctx) => {
            handled.push('predict');
            return whoami(ctx.auth);
          },
        }),
      ],
    });

  it('auth: JWT — claims and scopes reach ctx.auth; the JWKS is cached and refetched when keys rotate', async () => {
    const handled: string[] = [];
    const rt = await start(tokenApp(handled));
    const fetchesBefore = issuer.fetches;
    const token = await issuer.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', scope: 'predict profile', tenant: 'acme' });
    const ok = await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ subject: 'user-1', scopes: ['predict', 'profile'], method: 'jwt', claims: { tenant: 'acme', iss: ISSUER, aud: AUDIENCE } });
    expect((await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // Some adapters run one runtime per function; each fetches once and then uses its cache.
    const afterTwo = issuer.fetches;
    expect(afterTwo - fetchesBefore).toBe(1);
    // The issuer rotates to a new key and drops the old one: the new key id is fetched, old tokens stop working.
    await issuer.rotate({ replace: true });
    const rotated = await issuer.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'user-2', scp: ['predict'] });
    const after = await rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${rotated}` } });
    expect(after.status).toBe(200);
    expect(after.json()).toMatchObject({ subject: 'user-2', scopes: ['predict'] });
    expect(issuer.fetches).toBe(afterTwo + 1);
    expect(handled).toEqual(['predict', 'predict', 'predict']);
  });

  it('auth: JWT — wrong audience or issuer, expired, unsigned (alg none), HS256 confusion, unknown key and missing scope are refused', async () => {
    const handled: string[] = [];
    const rt = await start(tokenApp(handled));
    const good = { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', scope: 'predict' };
    const call = (token: string) => rt.http({ method: 'POST', path: '/predict', headers: { authorization: `Bearer ${token}` } });
    const stranger = await (await import('jose')).generateKeyPair('ES256');
    const published = issuer.jwks.keys[issuer.jwks.keys.length - 1];
    const cases: [string, string][] = [
      ['audience', await issuer.sign({ ...good, aud: 'another-api' })],
      ['issuer', await issuer.sign({ ...good, iss: 'https://evil.test/' })],
      ['expired', await issuer.sign(good, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
      ['none', unsignedToken({ ...good, exp: Math.floor(Date.now() / 1000) + 300 })],
      // The published public key used as an HMAC secret: the classic algorithm-confusion forgery.
      ['hs256', await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: String(published?.kid) }).setExpirationTime('5m').sign(new TextEncoder().encode(JSON.stringify(published)))],
      ['unknown key', await issuer.sign(good, { key: { privateKey: stranger.privateKey, kid: 'not-published', alg: 'ES256' } })],
      ['garbage', 'abc.def.ghi'],
    ];
    for (const [what, token] of cases) {
      const res = await call(token);
      expect(res.status, what).toBe(401);
      expectRefusal(res, 401, 'Unauthorized');
    }
    expectRefusal(await call(await issuer.sign({ ...good, scope: 'profile' })), 403, 'Forbidden');
    expect(handled).toEqual([]);
    expect((await call(await issuer.sign(good))).status).toBe(200);
  });

  it('auth: rate limit per key — 429 ResourceExhausted with Retry-After, other keys unaffected', async () => {
    const app = defineApp({
      name: 'auth-rate',
      auth: { apiKeys: { env: false, keys: [{ id: 'a', sha256: hashApiKey(PREDICT_KEY) }, { id: 'b', sha256: hashApiKey(ADMIN_KEY) }] }, rateLimit: { perMinute: 6, burst: 2 } },
      functions: [defineFunction({ name: 'limited', trigger: { type: 'http', method: 'GET', path: '/limited' }, handler: (_r, ctx) => whoami(ctx.auth) })],
    });
    const rt = await start(app);
    const as = (key: string) => rt.http({ method: 'GET', path: '/limited', headers: { 'x-api-key': key } });
    expect((await as(PREDICT_KEY)).status).toBe(200);
    expect((await as(PREDICT_KEY)).status).toBe(200);
    const limited = await as(PREDICT_KEY);
    expectRefusal(limited, 429, 'ResourceExhausted');
    // 6 a minute is one every 10 s: the next token is at most 10 s away.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    expect((await as(ADMIN_KEY)).status).toBe(200);
  });

  it('auth: a warm-up ping carrying the token is answered without credentials and never runs the handler; without the token it needs them', async () => {
    const token = `auth-warmup-${Math.random().toString(36).slice(2)}`;
    const previous = process.env[WARMUP_TOKEN_ENV];
    process.env[WARMUP_TOKEN_ENV] = token;
    try {
      const handled: string[] = [];
      const rt = await start(keyed(handled));
      const ping = await rt.http({ method: 'POST', path: '/predict', headers: { [WARMUP_HEADER]: token } });
      expect(ping.status).toBe(200);
      expect(ping.json()).toMatchObject({ warm: true, function: 'predict' });
      expectRefusal(await rt.http({ method: 'POST', path: '/predict', headers: { [WARMUP_HEADER]: `${token}x` } }), 401, 'Unauthorized');
      expect(handled).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env[WARMUP_TOKEN_ENV];
      else process.env[WARMUP_TOKEN_ENV] = previous;
    }
  });
}
