import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPolyfaasError } from '../errors.js';
import { createHttpRequest, json } from '../events/http.js';
import type { FunctionAuth } from './types.js';
import { defineApp, defineFunction } from '../function.js';
import { createLogger } from '../logger.js';
import type { LogRecord } from '../logger.js';
import { AppRuntime } from '../runtime/app-runtime.js';
import { JwksServer } from '../testing/jwks-server.js';
import { googleIapJwt, googleIdTokenJwt } from './jwt.js';

const echo = (auth: FunctionAuth | undefined) =>
  defineFunction({ name: 'echo', trigger: { type: 'http', method: 'GET', path: '/echo' }, ...(auth ? { auth } : {}), handler: (_r, ctx) => json(ctx.auth ?? null) });

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (isPolyfaasError(err, 'InvalidArgument')) return err.message;
    throw err;
  }
  throw new Error('not refused');
};

describe('auth declarations', () => {
  it('refuses unsafe or meaningless configurations when the app is defined', () => {
    const jwt = { jwksUrl: 'https://issuer.test/jwks', issuer: 'https://issuer.test/', audience: 'api' };
    expect(refused(() => echo({ jwt: { ...jwt, algorithms: ['none'] } }))).toMatch(/never none/);
    expect(refused(() => echo({ jwt: { ...jwt, algorithms: ['RS256', 'HS256'] } }))).toMatch(/HS\*/);
    expect(refused(() => echo({ jwt: { ...jwt, jwksUrl: 'http://issuer.test/jwks' } }))).toMatch(/https/);
    expect(refused(() => echo({ jwt: { ...jwt, audience: '' } }))).toMatch(/audience/);
    expect(refused(() => echo({ apiKeys: { keys: [{ id: 'k', sha256: 'not-a-hash' }] } }))).toMatch(/sha256/);
    expect(refused(() => echo({ scopes: ['has space'] }))).toMatch(/scope/);
    expect(refused(() => echo({ rateLimit: { perMinute: 0 } }))).toMatch(/perMinute/);
    expect(refused(() => echo({ apiKey: {} } as never))).toMatch(/unknown auth option "apiKey"/);
    expect(refused(() => defineFunction({ name: 'job', trigger: { type: 'queue', queue: 'q' }, auth: { apiKeys: {} }, handler: () => undefined }))).toMatch(/HTTP functions only/);
    expect(refused(() => defineApp({ functions: [echo({ scopes: ['predict'] })] }))).toMatch(/no apiKeys, jwt or platform/);
    // Loopback http is allowed for development issuers.
    expect(() => echo({ jwt: { ...jwt, jwksUrl: 'http://127.0.0.1:9/jwks' } })).not.toThrow();
  });

  it('gives presets for Google IAP assertions and Google ID tokens', () => {
    expect(googleIapJwt('/projects/1/apps/p')).toEqual({
      jwksUrl: 'https://www.gstatic.com/iap/verify/public_key-jwk',
      issuer: 'https://cloud.google.com/iap',
      header: 'x-goog-iap-jwt-assertion',
      algorithms: ['ES256'],
      audience: '/projects/1/apps/p',
      method: 'platform',
    });
    expect(googleIdTokenJwt('https://fn.run.app')).toMatchObject({ jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs', audience: 'https://fn.run.app', algorithms: ['RS256'] });
  });
});

describe('auth enforcement in AppRuntime.handleHttp', () => {
  let issuer: JwksServer;
  beforeAll(async () => {
    issuer = await JwksServer.start();
  });
  afterAll(() => issuer?.close());

  const runtime = async (auth: FunctionAuth, env: Record<string, string> = {}) => {
    const logs: LogRecord[] = [];
    const rt = await AppRuntime.create(defineApp({ name: 'guarded', functions: [echo(auth)] }), {
      provider: 'memory',
      env,
      log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }),
    });
    return { rt, logs };
  };
  const get = (headers: Record<string, string> = {}) => createHttpRequest({ method: 'GET', path: '/echo', headers });

  it('reads API keys from the environment, and logs why a request was refused without telling the caller', async () => {
    const { rt, logs } = await runtime({ apiKeys: {} }, { POLYFAAS_API_KEYS: 'laptop:pfk_local:predict' });
    const ok = await rt.handleHttp(get({ authorization: 'Bearer pfk_local' }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body as string)).toEqual({ subject: 'laptop', scopes: ['predict'], claims: { keyId: 'laptop' }, method: 'api-key' });
    const bad = await rt.handleHttp(get({ 'x-api-key': 'pfk_guess' }));
    expect(bad.status).toBe(401);
    expect(bad.body).not.toMatch(/unknown/);
    expect(logs.some((r) => r.msg === 'auth: request refused' && r.reason === 'unknown API key' && r.status === 401)).toBe(true);
  });

  it('refuses everything, and warns once, when API keys are on but none is configured', async () => {
    const { rt, logs } = await runtime({ apiKeys: {} });
    expect((await rt.handleHttp(get({ 'x-api-key': '' }))).status).toBe(401);
    expect((await rt.handleHttp(get({ authorization: 'Bearer x' }))).status).toBe(401);
    expect(logs.filter((r) => r.msg.startsWith('auth: API keys are enabled but none'))).toHaveLength(1);
  });

  it('trusts a platform identity only from a provider the app names', async () => {
    const identity = { provider: 'aws' as const, subject: 'arn:aws:iam::1:user/ci', scopes: ['predict'], claims: { accountId: '1' } };
    const trusting = (await runtime({ platform: { aws: true } })).rt;
    const res = await trusting.handleHttp(get(), { identity });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({ subject: 'arn:aws:iam::1:user/ci', scopes: ['predict'], claims: { accountId: '1', provider: 'aws' }, method: 'platform' });
    expect((await trusting.handleHttp(get(), { identity: { ...identity, provider: 'azure' } })).status).toBe(401);
    expect((await trusting.handleHttp(get())).status).toBe(401);
    const keysOnly = (await runtime({ apiKeys: { env: false } })).rt;
    expect((await keysOnly.handleHttp(get(), { identity })).status).toBe(401);
    const open = (await runtime('public')).rt;
    expect(JSON.parse((await open.handleHttp(get(), { identity })).body as string)).toBeNull();
  });

  it('verifies a platform assertion carried in its own header (as IAP sends it) and maps it to method platform', async () => {
    const jwt = { jwksUrl: issuer.url, issuer: 'https://cloud.google.com/iap', audience: '/projects/1/apps/p', header: 'x-goog-iap-jwt-assertion', method: 'platform' as const };
    const { rt } = await runtime({ jwt });
    const token = await issuer.sign({ iss: jwt.issuer, aud: jwt.audience, sub: 'accounts.google.com:123', email: 'a@example.com' });
    const ok = await rt.handleHttp(get({ 'x-goog-iap-jwt-assertion': token }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body as string)).toMatchObject({ subject: 'accounts.google.com:123', method: 'platform', claims: { email: 'a@example.com' } });
    // The same token as a bearer token is not the platform's header: refused.
    expect((await rt.handleHttp(get({ authorization: `Bearer ${token}` }))).status).toBe(401);
    const forged = await issuer.sign({ iss: jwt.issuer, aud: '/projects/2/apps/other', sub: 'x' });
    expect((await rt.handleHttp(get({ 'x-goog-iap-jwt-assertion': forged }))).status).toBe(401);
  });

  it('lets x-api-key carry the app key while Authorization carries a platform token', async () => {
    const { rt } = await runtime({ apiKeys: { env: false, keys: [{ id: 'k', sha256: (await import('./api-keys.js')).hashApiKey('pfk_app') }] } });
    const res = await rt.handleHttp(get({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig', 'x-api-key': 'pfk_app' }));
    expect(res.status).toBe(200);
  });
});
