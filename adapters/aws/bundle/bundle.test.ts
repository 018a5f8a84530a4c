import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundleCommand } from '../../../bundling/command.js';
import { awsBundler } from './bundler.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

describe('polyfaas bundle aws (Fashion-MNIST entry)', () => {
  let out: string;
  let stdout = '';
  beforeAll(async () => {
    // Inside the repo, so the bundle resolves the external `sharp` as an installed artifact would.
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    out = await mkdtemp(join(root, '.polyfaas/aws-bundle-test-'));
    const io = { out: { write: (s: string) => ((stdout += s), true) }, err: { write: () => true } };
    const code = await runBundleCommand(awsBundler, [join(root, 'examples/fashion-mnist/aws.ts'), '--out', out, '--bucket', 'data=s3://fashion-data/v1', '--region', 'eu-west-1', '--warmup', '5m'], io);
    expect(code).toBe(0);
  }, 180_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('writes one zip per function and reports sizes', async () => {
    for (const fn of ['preprocess', 'plan-training', 'train', 'evaluate', 'predict', 'model-info']) {
      expect((await stat(join(out, `${fn}.zip`))).size).toBeGreaterThan(100_000);
      expect((await stat(join(out, fn, 'tfjs-backend-wasm.wasm'))).size).toBeGreaterThan(100_000);
      expect(stdout).toMatch(new RegExp(`${fn}\\s+.*zip [\\d.]+ (KB|MB)`));
    }
    const pkg = JSON.parse(await readFile(join(out, 'predict/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(['sharp']);
  });

  it('writes serverless.yml and template.yaml with triggers, memory, timeout and environment', async () => {
    const sls = await readFile(join(out, 'serverless.yml'), 'utf8');
    expect(sls).toMatch(/frameworkVersion: "3"/);
    expect(sls).toMatch(/predict:\n {4}handler: index.handler\n {4}package:\n {6}artifact: predict.zip\n {4}memorySize: 1024\n {4}timeout: 31/);
    expect(sls).toMatch(/POLYFAAS_FUNCTION: predict/);
    expect(sls).toMatch(/POLYFAAS_BUCKET_DATA: s3:\/\/fashion-data\/v1/);
    // Private by default: the HTTP API route takes IAM-signed callers only.
    expect(sls).toMatch(/httpApi:\n\s+method: POST\n\s+path: \/predict\n\s+authorizer:\n\s+type: aws_iam/);
    expect(sls).toMatch(/bucket: fashion-data\n\s+event: "s3:ObjectCreated:\*"\n\s+existing: true\n\s+rules:\n\s+- prefix: v1\/raw\//);
    const sam = await readFile(join(out, 'template.yaml'), 'utf8');
    expect(sam).toMatch(/Transform: AWS::Serverless-2016-10-31/);
    expect(sam).toMatch(/PredictFunction:\n {4}Type: AWS::Serverless::Function/);
    expect(sam).toMatch(/FunctionUrlConfig:\n {8}AuthType: AWS_IAM/);
    expect(sam).not.toMatch(/AuthType: NONE/);
    expect(sam).toMatch(/Globals:\n {2}HttpApi:\n {4}Auth:\n {6}EnableIamAuthorizer: true\n {6}DefaultAuthorizer: AWS_IAM/);
    expect(sam).not.toMatch(/Principal: "\*"|FunctionUrlAuthType/);
    // The storage trigger on the existing bucket, wired as serverless.yml's `existing: true` does.
    expect(sam).toMatch(/PreprocessFunctionS3Trigger:\n {4}Type: Custom::PolyfaasS3Notification\n {4}DependsOn: PreprocessFunctionS3Permission/);
    expect(sam).toMatch(/Bucket: fashion-data\n {6}FunctionArn:\n {8}Fn::GetAtt:\n {10}- PreprocessFunction\n {10}- Arn\n {6}Events:\n {8}- "s3:ObjectCreated:\*"\n {6}Prefix: v1\/raw\//);
    expect(sam).toMatch(/PreprocessFunctionS3Permission:\n {4}Type: AWS::Lambda::Permission/);
    expect(sam).toMatch(/PolyfaasS3Notifier:\n {4}Type: AWS::Serverless::Function/);
  });

  it('--warmup 5m pings the HTTP functions and the functions with init, and says which', async () => {
    const sls = await readFile(join(out, 'serverless.yml'), 'utf8');
    const sam = await readFile(join(out, 'template.yaml'), 'utf8');
    const warmedSls = [...sls.matchAll(/description: polyfaas warm-up ping for ([\w-]+)/g)].map((m) => m[1]);
    const warmedSam = [...sam.matchAll(/Description: polyfaas warm-up ping for ([\w-]+)/g)].map((m) => m[1]);
    expect(warmedSls.sort()).toEqual(['evaluate', 'model-info', 'pipeline-status', 'predict', 'train']);
    expect(warmedSam.sort()).toEqual(warmedSls);
    expect(sls).toMatch(/- schedule:\n\s+rate:\n\s+- "rate\(5 minutes\)"\n\s+input:\n\s+polyfaas: warmup/);
    expect(sam).toMatch(/Type: Schedule\n\s+Properties:\n\s+Schedule: "rate\(5 minutes\)"\n\s+Input: '\{"polyfaas":"warmup"\}'/);
    const line = /warm-up: rate\(5 minutes\) → (.*)/.exec(stdout)?.[1] ?? '';
    expect(line.split(', ').sort()).toEqual(warmedSls);
  });

  it('the artifact loads on its own and answers an unknown event with a coded error', async () => {
    const script = `const m = await import(${JSON.stringify(join(out, 'predict/index.mjs'))});
      try { await m.handler({ source: 'aws.ec2', 'detail-type': 'x', detail: {} }, { awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 }); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code })); }`;
    const { stdout: printed } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: { ...process.env, POLYFAAS_FUNCTION: 'predict', POLYFAAS_LOG_LEVEL: 'silent', AWS_REGION: 'eu-west-1' },
    });
    expect(JSON.parse(printed.trim().split('\n').pop() as string)).toEqual({ name: 'PolyfaasError', code: 'InvalidArgument' });
  }, 60_000);

  it('prints its help', async () => {
    let help = '';
    expect(await runBundleCommand(awsBundler, ['--help'], { out: { write: (s: string) => ((help += s), true) }, err: { write: () => true } })).toBe(0);
    expect(help).toMatch(/--external-aws-sdk/);
  });
});
