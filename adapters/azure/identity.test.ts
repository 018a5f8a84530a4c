import { readFileSync } from 'node:fs';
import type { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import { captureRegistrations } from '../../test/azure/functions-core-stub.js';
import { EmulatedHost } from '../../test/azure/host.js';
import { azureIdentity } from './identity.js';
import { registerAzure } from './register.js';

const principal = readFileSync(new URL('../../test/fixtures/events/azure/client-principal.json', import.meta.url));
const headers = {
  'x-ms-client-principal': principal.toString('base64'),
  'x-ms-client-principal-id': '2d9e4f13-7a3e-4c2c-9a1d-5b8c0e6f7a21',
  'x-ms-client-principal-name': 'ada@contoso.example',
  'x-ms-client-principal-idp': 'aad',
};

describe('azureIdentity: the caller App Service authentication signed in', () => {
  it('maps the principal headers: id as subject, scp and roles as scopes, claims by type', () => {
    expect(azureIdentity(headers)).toEqual({
      provider: 'azure',
      subject: '2d9e4f13-7a3e-4c2c-9a1d-5b8c0e6f7a21',
      scopes: ['predict', 'profile', 'models.writer'],
      claims: expect.objectContaining({ aud: 'api://polyfaas-fashion', name: 'ada@contoso.example', idp: 'aad', auth_typ: 'aad', preferred_username: 'ada@contoso.example' }),
    });
  });

  it('finds nobody without the headers or with a malformed principal', () => {
    expect(azureIdentity({ authorization: 'Bearer x' })).toBeUndefined();
    expect(azureIdentity({ 'x-ms-client-principal': 'not base64 json' })).toBeUndefined();
    expect(azureIdentity({ 'x-ms-client-principal': Buffer.from('{"claims":"x"}').toString('base64') })).toBeUndefined();
  });

  it('reaches ctx.auth through the registered handler only when the app trusts azure', async () => {
    const fn = defineFunction({ name: 'who', trigger: { type: 'http', method: 'GET', path: '/who' }, auth: { scopes: ['predict'] }, handler: (_r, ctx) => json(ctx.auth ?? null) });
    const call = async (trust: boolean) => {
      const app = defineApp({ name: 'ids', functions: [fn], auth: trust ? { platform: { azure: true } } : { apiKeys: { env: false } } });
      const { functions } = captureRegistrations(() => registerAzure(app, { env: {}, log: createLogger({ level: 'silent' }) }));
      // HTTP only: the host's blob scanning is never used here.
      return new EmulatedHost(functions, { service: {} as BlobServiceClient, containers: [], maxDequeueCount: 5 }).http({ method: 'GET', path: '/who', headers });
    };
    const trusted = await call(true);
    expect(trusted.status).toBe(200);
    expect(trusted.json()).toMatchObject({ method: 'platform', subject: '2d9e4f13-7a3e-4c2c-9a1d-5b8c0e6f7a21', claims: { provider: 'azure' } });
    expect((await call(false)).status).toBe(401);
  });
});
