import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  LambdaServiceException,
  PublishVersionCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineApp, defineFunction, hashApiKey, json } from '../../../src/index.js';
import { runDeployCommand } from '../../../bundling/command.js';
import { awsDeployer } from './bundler.js';
import { deployAws } from './deploy.js';
import type { LambdaAppPlan } from './plan.js';
import { eventBridgeCron, planApp } from './plan.js';

const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  lambda.reset();
  s3.reset();
});

const lambdaError = (name: string, status: number) =>
  new LambdaServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} happened` });

const app = defineApp({
  name: 'demo',
  buckets: { data: 's3://demo-bucket/app' },
  functions: [
    defineFunction({ name: 'api', trigger: { type: 'http', method: 'POST', path: '/predict' }, memoryMb: 1024, timeoutMs: 30_000, handler: () => json({}) }),
    defineFunction({ name: 'ingest', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/', suffix: '.png' }, handler: () => undefined }),
  ],
});
const plan: LambdaAppPlan = planApp(app, { region: 'eu-west-1' });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-deploy-'));
  for (const fn of plan.functions) await writeFile(join(dir, `${fn.artifact}.zip`), 'PK-fake-zip');
  await writeFile(join(dir, 'polyfaas-aws.json'), JSON.stringify(plan));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const active = { Configuration: { State: 'Active' as const, LastUpdateStatus: 'Successful' as const } };
const fast = { bundleDir: '', plan, role: 'arn:aws:iam::1:role/r', maxWaitSeconds: 5 };
const deploy = (extra: Partial<Parameters<typeof deployAws>[0]> = {}) =>
  deployAws({ ...fast, bundleDir: dir, lambda: new LambdaClient({ region: 'eu-west-1' }), s3: new S3Client({ region: 'eu-west-1' }), ...extra });

describe('plan', () => {
  it('derives memory, timeout, environment and the S3 filter (binding prefix included)', () => {
    const [api, ingest] = plan.functions;
    expect(api).toMatchObject({ name: 'api', memoryMb: 1024, timeoutSeconds: 31, environment: { POLYFAAS_FUNCTION: 'api', POLYFAAS_BUCKET_DATA: 's3://demo-bucket/app' } });
    expect(ingest?.s3).toEqual({ bucket: 'demo-bucket', prefix: 'app/raw/', suffix: '.png', events: ['s3:ObjectCreated:*'] });
  });

  it('needs an s3:// binding for every bucket', () => {
    expect(() => planApp(defineApp({ buckets: { data: 'file:///tmp/x' }, functions: [] }), { region: 'x' })).toThrow(/s3:\/\//);
  });

  it('turns 5-field cron into EventBridge cron', () => {
    expect(eventBridgeCron('0 3 * * *')).toBe('cron(0 3 * * ? *)');
    expect(eventBridgeCron('30 6 * * 1-5')).toBe('cron(30 6 ? * 2-6 *)');
    expect(eventBridgeCron('0 0 1 * *')).toBe('cron(0 0 1 * ? *)');
  });
});

describe('deployAws (aws-sdk-client-mock)', () => {
  it('creates new functions, waits for them, publishes, adds a Function URL and the S3 notification', async () => {
    lambda.on(GetFunctionCommand).rejectsOnce(lambdaError('ResourceNotFoundException', 404)).resolves(active);
    lambda.on(CreateFunctionCommand).resolves({});
    lambda.on(PublishVersionCommand).resolves({ Version: '1', FunctionArn: 'arn:aws:lambda:eu-west-1:1:function:demo-x:1' });
    lambda.on(GetFunctionUrlConfigCommand).rejects(lambdaError('ResourceNotFoundException', 404));
    lambda.on(CreateFunctionUrlConfigCommand).resolves({ FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/' });
    lambda.on(AddPermissionCommand).resolves({});
    s3.on(GetBucketNotificationConfigurationCommand).resolves({ LambdaFunctionConfigurations: [{ Id: 'someone-else', LambdaFunctionArn: 'arn:other', Events: ['s3:ObjectCreated:*'] }] });
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});

    const result = await deploy();
    expect(result[0]).toMatchObject({ functionName: 'demo-api', action: 'created', version: '1', url: 'https://abc.lambda-url.eu-west-1.on.aws/' });
    const create = lambda.commandCalls(CreateFunctionCommand).map((c) => c.args[0].input);
    expect(create[0]).toMatchObject({ FunctionName: 'demo-api', Runtime: 'nodejs20.x', Handler: 'index.handler', MemorySize: 1024, Timeout: 31, Role: 'arn:aws:iam::1:role/r' });
    expect(create[0]?.Environment?.Variables).toMatchObject({ POLYFAAS_FUNCTION: 'api' });
    // Private by default: the URL is AWS_IAM and nobody gets the public invoke permission.
    expect(lambda.commandCalls(CreateFunctionUrlConfigCommand).map((c) => c.args[0].input.AuthType)).toEqual(['AWS_IAM']);
    expect(lambda.commandCalls(AddPermissionCommand).map((c) => c.args[0].input.Principal)).toEqual(['s3.amazonaws.com']);
    const put = s3.commandCalls(PutBucketNotificationConfigurationCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('demo-bucket');
    expect(put?.NotificationConfiguration?.LambdaFunctionConfigurations?.map((c) => c.Id)).toEqual(['someone-else', 'polyfaas-demo-ingest']);
    expect(put?.NotificationConfiguration?.LambdaFunctionConfigurations?.[1]).toMatchObject({
      LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:demo-x',
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'app/raw/' }, { Name: 'suffix', Value: '.png' }] } },
    });
  });

  it('updates functions that already exist (code, wait, configuration, wait, publish) and keeps an existing URL', async () => {
    lambda.on(GetFunctionCommand).resolves(active);
    lambda.on(UpdateFunctionCodeCommand).resolves({});
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    lambda.on(PublishVersionCommand).resolves({ Version: '7', FunctionArn: 'arn:aws:lambda:eu-west-1:1:function:demo-ingest:7' });
    lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: 'https://existing/' });
    lambda.on(AddPermissionCommand).rejects(lambdaError('ResourceConflictException', 409)); // statement exists: fine
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});

    const result = await deploy();
    expect(result.map((r) => [r.action, r.version])).toEqual([['updated', '7'], ['updated', '7']]);
    expect(result[0]?.url).toBe('https://existing/');
    expect(lambda.commandCalls(CreateFunctionCommand)).toHaveLength(0);
    expect(lambda.commandCalls(CreateFunctionUrlConfigCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input).toMatchObject({ FunctionName: 'demo-api' });
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[1]?.args[0].input).toMatchObject({ FunctionName: 'demo-ingest', Timeout: 61 });
  });

  it('surfaces an AWS API error as a coded PolyfaasError with the SDK error as cause', async () => {
    lambda.on(GetFunctionCommand).rejects(lambdaError('ResourceNotFoundException', 404));
    lambda.on(CreateFunctionCommand).rejects(lambdaError('AccessDeniedException', 403));
    const err = await deploy().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'PolyfaasError', code: 'Forbidden' });
    expect((err as Error).message).toMatch(/CreateFunction demo-api/);
    expect((err as { cause: { name: string } }).cause.name).toBe('AccessDeniedException');
  });

  it('maps throttling and invalid parameters too', async () => {
    lambda.on(GetFunctionCommand).rejects(lambdaError('TooManyRequestsException', 429));
    await expect(deploy()).rejects.toMatchObject({ code: 'ResourceExhausted' });
    lambda.reset();
    lambda.on(GetFunctionCommand).resolves(active);
    lambda.on(UpdateFunctionCodeCommand).rejects(lambdaError('InvalidParameterValueException', 400));
    await expect(deploy()).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('--dry-run prints the plan and calls nothing', async () => {
    let out = '';
    const io = { out: { write: (s: string) => ((out += s), true) }, err: { write: () => true } };
    expect(await runDeployCommand('aws', awsDeployer, ['--bundle', dir, '--dry-run'], io)).toBe(0);
    expect(out).toMatch(/demo-api: create or update from api\.zip \(nodejs20\.x, 1024 MB, 31 s\)/);
    expect(out).toMatch(/S3 s3:ObjectCreated:\* on s3:\/\/demo-bucket\/app\/raw\/\*\.png/);
    expect(lambda.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('needs a role to deploy for real, and a bundle to read', async () => {
    await expect(deploy({ role: undefined })).rejects.toMatchObject({ code: 'InvalidArgument' });
    const io = { out: { write: () => true }, err: { write: () => true } };
    await expect(runDeployCommand('aws', awsDeployer, ['--bundle', join(dir, 'nope')], io)).rejects.toMatchObject({ code: 'NotFound' });
    let help = '';
    expect(await runDeployCommand('aws', awsDeployer, ['--help'], { out: { write: (s: string) => ((help += s), true) }, err: { write: () => true } })).toBe(0);
    expect(help).toMatch(/--dry-run/);
  });
});

describe('deployAws: who can call the Function URL', () => {
  const keyed = defineApp({
    name: 'keyed',
    auth: { apiKeys: {} },
    functions: [defineFunction({ name: 'api', trigger: { type: 'http', method: 'POST', path: '/predict' }, handler: () => json({}) })],
  });
  const urlMocks = (existing?: 'AWS_IAM' | 'NONE') => {
    lambda.on(GetFunctionCommand).resolves({ ...active, Configuration: { ...active.Configuration, Environment: { Variables: { POLYFAAS_API_KEYS: 'ci:sha256.' + hashApiKey('k') } } } });
    lambda.on(UpdateFunctionCodeCommand).resolves({});
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    lambda.on(PublishVersionCommand).resolves({ Version: '2' });
    if (existing) lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: 'https://u.lambda-url.eu-west-1.on.aws/', AuthType: existing });
    else lambda.on(GetFunctionUrlConfigCommand).rejects(lambdaError('ResourceNotFoundException', 404));
    lambda.on(CreateFunctionUrlConfigCommand).resolves({ FunctionUrl: 'https://u.lambda-url.eu-west-1.on.aws/' });
    lambda.on(UpdateFunctionUrlConfigCommand).resolves({});
    lambda.on(AddPermissionCommand).resolves({});
    lambda.on(RemovePermissionCommand).rejects(lambdaError('ResourceNotFoundException', 404));
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    s3.on(PutBucketNotificationConfigurationCommand).resolves({});
  };

  it('an app with its own auth gets a NONE URL with the public permission; its API keys are kept, not bundled', async () => {
    urlMocks();
    const keyedPlan = planApp(keyed, { region: 'eu-west-1' });
    expect(keyedPlan.access).toBe('app');
    expect(keyedPlan.secrets).toEqual({ POLYFAAS_API_KEYS: 'keyed-polyfaas-api-keys' });
    await deploy({ plan: keyedPlan, env: {} });
    expect(lambda.commandCalls(CreateFunctionUrlConfigCommand)[0]?.args[0].input.AuthType).toBe('NONE');
    expect(lambda.commandCalls(AddPermissionCommand)[0]?.args[0].input).toMatchObject({ Principal: '*', FunctionUrlAuthType: 'NONE' });
    // A redeploy without the variable in the deployer's environment keeps the function's current keys.
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input.Environment?.Variables?.POLYFAAS_API_KEYS).toBe('ci:sha256.' + hashApiKey('k'));
  });

  it('takes API keys from the deployer\'s environment when it sets them', async () => {
    urlMocks('NONE');
    await deploy({ plan: planApp(keyed, { region: 'eu-west-1' }), env: { POLYFAAS_API_KEYS: 'ci:from-secret-store' } });
    expect(lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input.Environment?.Variables?.POLYFAAS_API_KEYS).toBe('ci:from-secret-store');
  });

  it('makes a formerly public URL private again: AWS_IAM and the public permission removed', async () => {
    urlMocks('NONE');
    await deploy({ plan: planApp(app, { region: 'eu-west-1' }) });
    expect(lambda.commandCalls(UpdateFunctionUrlConfigCommand)[0]?.args[0].input).toMatchObject({ FunctionName: 'demo-api', AuthType: 'AWS_IAM' });
    expect(lambda.commandCalls(RemovePermissionCommand)[0]?.args[0].input).toMatchObject({ FunctionName: 'demo-api', StatementId: 'polyfaas-public-url' });
    expect(lambda.commandCalls(AddPermissionCommand).filter((c) => c.args[0].input.Principal === '*')).toEqual([]);
  });

  it('--public asks for NONE and the public permission explicitly', async () => {
    urlMocks();
    const open = planApp(app, { region: 'eu-west-1', public: true });
    expect(open.access).toBe('public');
    await deploy({ plan: open });
    expect(lambda.commandCalls(CreateFunctionUrlConfigCommand)[0]?.args[0].input.AuthType).toBe('NONE');
    expect(lambda.commandCalls(AddPermissionCommand).map((c) => c.args[0].input.Principal)).toContain('*');
  });
});
