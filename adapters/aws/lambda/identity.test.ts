import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger, defineApp, defineFunction, json } from '../../../src/index.js';
import { fakeLambdaContext } from '../../../test/aws/lambda-context.js';
import { awsIdentity } from './identity.js';
import { toLambda } from './to-lambda.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/aws/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('awsIdentity: the caller API Gateway or a Function URL verified', () => {
  it('reads a JWT authorizer (HTTP API), IAM (Function URL AWS_IAM) and a Lambda authorizer (REST) from real events', () => {
    expect(awsIdentity(fixture('apigw-http-v2.json'))).toEqual({
      provider: 'aws',
      subject: '',
      scopes: ['scope1', 'scope2'],
      claims: { claim1: 'value1', claim2: 'value2', authorizer: 'jwt' },
    });
    expect(awsIdentity(fixture('function-url.json'))).toMatchObject({ subject: 'arn:aws:iam::111122223333:user/example-user', scopes: [], claims: { accountId: '111122223333', authorizer: 'iam' } });
    expect(awsIdentity(fixture('apigw-rest-v1.json'))).toMatchObject({ subject: 'admin', claims: { clientName: 'Exata', authorizer: 'lambda' } });
  });

  it('finds nobody when the gateway authenticated nobody, whatever the headers say', () => {
    const open = fixture('apigw-http-v2.json');
    const rc = { ...(open.requestContext as object), authorizer: undefined };
    expect(awsIdentity({ ...open, requestContext: rc, headers: { 'x-ms-client-principal-name': 'admin', 'x-amzn-oidc-identity': 'admin' } })).toBeUndefined();
    expect(awsIdentity(fixture('alb-single-value.json'))).toBeUndefined();
  });

  it('reaches ctx.auth through the Lambda handler only when the app trusts aws', async () => {
    const fn = defineFunction({ name: 'who', trigger: { type: 'http', method: '*', path: '/who' }, handler: (_r, ctx) => json(ctx.auth ?? null) });
    const event = { ...fixture('function-url.json'), rawPath: '/who' };
    const call = async (trust: boolean) => {
      const app = defineApp({ name: 'ids', functions: [fn], auth: trust ? { platform: { aws: true } } : { apiKeys: { env: false } } });
      const lambda = toLambda(app, { env: {}, log: createLogger({ level: 'silent' }) });
      return (await lambda.handler(event, fakeLambdaContext({ timeoutMs: 5_000 }))) as { statusCode: number; body: string };
    };
    const trusted = await call(true);
    expect(trusted.statusCode).toBe(200);
    expect(JSON.parse(trusted.body)).toMatchObject({ method: 'platform', subject: 'arn:aws:iam::111122223333:user/example-user', claims: { provider: 'aws' } });
    expect((await call(false)).statusCode).toBe(401);
  });
});
