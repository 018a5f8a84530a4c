/**
 * The package as a user installs it: `npm pack`, install the tarball into a
 * fresh project outside the repository (test/consumer/project: a word-count
 * app written in TypeScript that imports only `polyfaas`, `polyfaas/memory`,
 * `polyfaas/aws`, `polyfaas/gcp` and `polyfaas/azure`), then follow the
 * README: typecheck, unit-test, serve, bundle for each cloud and run each bundle.
 *
 * One project and two installs serve every step: first the tarball alone
 * (every `--help` must work, and a missing peer is asked for in one message),
 * then the peers the later steps need.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageFolder } from '../../pipelines/image-classification/test-support/image-folder.js';
import type { Ran } from './consumer-project.js';
import { mustRun, newProject, npmInstall, packPackage, pinned, runCommand } from './consumer-project.js';
import { freePort } from '../support/server-process.js';

/** Peers the later steps need: the compiler, the test runner and each cloud's SDKs. */
const PEERS = [
  'typescript',
  '@types/node',
  'vitest',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  '@google-cloud/functions-framework',
  '@google-cloud/storage',
  '@azure/functions',
  '@azure/storage-blob',
];

let project: string;
let tarball: string;
const bin = (name: string) => join(project, 'node_modules/.bin', name);
const polyfaas = (args: string[], env?: NodeJS.ProcessEnv): Promise<Ran> => runCommand(bin('polyfaas'), args, { cwd: project, timeoutMs: 180_000, ...(env ? { env } : {}) });

/** Sizes of every file under a folder, by path relative to it. */
async function filesUnder(dir: string, base = dir): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await filesUnder(full, base)) out.set(k, v);
    else out.set(full.slice(base.length + 1), (await stat(full)).size);
  }
  return out;
}

/** Start a long-running command; resolves once `ready` matches its output. */
async function start(command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<{ match: RegExpExecArray; stop: () => Promise<void> }> {
  const child = spawn(command, args, { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'close');
    }
  };
  const match = await new Promise<RegExpExecArray>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${command} did not start within 60 s:\n${output}`)), 60_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        done(m);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('close', (code) => {
      clearTimeout(timer);
      fail(new Error(`${command} exited ${code} before it was ready:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { match, stop };
}

beforeAll(async () => {
  const began = Date.now();
  tarball = await packPackage();
  const packed = Date.now();
  project = await newProject();
  await npmInstall(project, [tarball]);
  console.log(`consumer: npm pack ${((packed - began) / 1000).toFixed(1)} s, install of the tarball ${((Date.now() - packed) / 1000).toFixed(1)} s`);
}, 300_000);
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
  if (tarball) await rm(join(tarball, '../..'), { recursive: true, force: true });
});

describe('with only the tarball installed', () => {
  it.each([
    [[]],
    [['serve', '--help']],
    [['train', '--help']],
    [['bundle', '--help']],
    [['bundle', 'aws', '--help']],
    [['bundle', 'gcp', '--help']],
    [['bundle', 'azure', '--help']],
    [['deploy', '--help']],
    [['deploy', 'aws', '--help']],
    [['version']],
  ])('polyfaas %j works with no optional peer installed', async (args) => {
    const ran = await polyfaas(args.length ? args : ['--help']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout.length).toBeGreaterThan(0);
  });

  it.each([
    [['bundle', 'aws', 'src/aws.ts'], ['@aws-sdk/client-s3', '@aws-sdk/lib-storage']],
    [['bundle', 'gcp', 'src/gcp.ts'], ['@google-cloud/functions-framework', '@google-cloud/storage']],
    [['bundle', 'azure', 'src/azure.ts'], ['@azure/functions', '@azure/storage-blob']],
    [['deploy', 'aws', 'src/aws.ts', '--dry-run'], ['@aws-sdk/client-lambda', '@aws-sdk/client-s3']],
  ])('polyfaas %j names every missing package in one message with the npm install line', async (args, missing) => {
    const ran = await polyfaas(args);
    expect(ran.code).toBe(1);
    const lines = ran.stderr.trim().split('\n');
    for (const name of missing) expect(ran.stderr).toContain(name);
    expect(lines.filter((l) => l.includes('npm install')).length).toBe(1);
    expect(ran.stderr.trimEnd()).toMatch(new RegExp(`\\n  npm install ${missing.map((m) => `${m.replace(/[/@]/g, '\\$&')}@\\S+`).join(' ')}$`));
    expect(existsSync(join(project, '.polyfaas'))).toBe(false);
  });

  it('trains on a folder of images with polyfaas train, no peer needed', async () => {
    // Real PNGs from the committed Fashion-MNIST subset, one folder per class, as the README describes.
    await writeImageFolder(join(project, 'photos'), { perClass: 20, labels: [0, 1, 9] });
    const ran = await polyfaas(['train', 'photos', '--size', '28', '--channels', '1', '--epochs', '1', '--port', '0', '--exit']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^model photos \S+: accuracy/);
    const report = /report: (\S+)/.exec(ran.stdout)?.[1] as string;
    expect(report.startsWith(join(project, '.polyfaas/local/photos/reports/'))).toBe(true);
    expect(existsSync(report)).toBe(true);
    await rm(join(project, '.polyfaas'), { recursive: true, force: true });
    await rm(join(project, 'photos'), { recursive: true, force: true });
  }, 120_000);

  it('serves a TypeScript app and answers over HTTP', async () => {
    const server = await start(bin('polyfaas'), ['serve', 'src/app.ts', '--port', '0'], /listening on (http:\/\/\S+)/);
    try {
      const res = await fetch(`${server.match[1]}/count`, { method: 'POST', body: 'the quick brown fox' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ words: 4 });
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('with the peers installed', () => {
  beforeAll(async () => {
    const began = Date.now();
    await npmInstall(project, await pinned(PEERS));
    console.log(`consumer: install of ${PEERS.length} peers ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }, 300_000);

  it('typechecks with tsc --noEmit (strict, NodeNext)', async () => {
    await mustRun(bin('tsc'), ['--noEmit', '-p', '.'], { cwd: project });
  }, 120_000);

  it('unit-tests the app on the memory runtime with vitest', async () => {
    const ran = await mustRun(bin('vitest'), ['run', '--reporter=dot'], { cwd: project, env: { CI: 'true' } });
    expect(`${ran.stdout}${ran.stderr}`).toMatch(/2 passed/);
  }, 120_000);

  it('bundles for AWS: no model stack, next steps printed, S3 trigger wired, handler answers an API Gateway v2 event', async () => {
    const ran = await polyfaas(['bundle', 'aws', 'src/aws.ts', '--bucket', 'docs=s3://wc-docs/v1']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = join(project, '.polyfaas/aws/word-count');
    for (const step of ['polyfaas deploy aws', 'sam deploy', 'serverless deploy']) expect(ran.stdout).toContain(step);
    const files = await filesUnder(join(out, 'count'));
    expect([...files.keys()].filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const pkg = JSON.parse(await readFile(join(out, 'count/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(pkg.dependencies ?? {}).toEqual({});
    // The word-count code, the runtime and the lazily loaded S3 SDK: far below the 1.12 MB of tfjs WASM alone.
    const zipBytes = (await stat(join(out, 'count.zip'))).size;
    console.log(`consumer: word-count count.zip ${(zipBytes / 1024).toFixed(1)} KB`);
    expect(zipBytes).toBeLessThan(600 * 1024);
    const sam = await readFile(join(out, 'template.yaml'), 'utf8');
    expect(sam).toMatch(/Custom::PolyfaasS3Notification/);
    expect(sam).toMatch(/Bucket: wc-docs/);
    const script = `const { handler } = await import('./index.mjs');
      const res = await handler({ version: '2.0', routeKey: '$default', rawPath: '/count', rawQueryString: '', headers: { 'content-type': 'text/plain' },
        requestContext: { http: { method: 'POST', path: '/count', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'r1', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0, accountId: '1', apiId: 'a', domainName: 'x', domainPrefix: 'x' },
        body: 'to be or not to be', isBase64Encoded: false }, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 10000 });
      console.log(JSON.stringify(res));`;
    const invoked = await mustRun(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(out, 'count'),
      env: { POLYFAAS_FUNCTION: 'count', POLYFAAS_BUCKET_DOCS: 's3://wc-docs/v1', AWS_REGION: 'us-east-1', POLYFAAS_LOG_LEVEL: 'silent' },
    });
    const result = JSON.parse(invoked.stdout.trim().split('\n').pop() as string) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ words: 6 });
    // deploy finds the bundle from the TypeScript entry (or as the only app bundled) and plans both functions.
    for (const args of [['deploy', 'aws', 'src/aws.ts', '--dry-run'], ['deploy', 'aws', '--dry-run']]) {
      const planned = await polyfaas(args);
      expect(planned.stderr).toBe('');
      expect(planned.stdout).toContain('word-count-count: create or update from count.zip');
      expect(planned.stdout).toContain('trigger: S3 s3:ObjectCreated:* on s3://wc-docs/v1/in/*.txt');
    }
  }, 180_000);

  it('bundles for GCP and the functions-framework binary serves the bundle', async () => {
    const ran = await polyfaas(['bundle', 'gcp', 'src/gcp.ts', '--bucket', 'docs=gs://wc-docs/v1/']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = join(project, '.polyfaas/gcp/word-count');
    expect(ran.stdout).toContain('gcloud functions deploy count');
    const files = await filesUnder(out);
    expect([...files.keys()].filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const pkg = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@google-cloud/functions-framework', '@google-cloud/storage']);
    const port = await freePort();
    const server = await start(bin('functions-framework'), ['--target=count', `--source=${out}`, `--port=${port}`], /Serving function|URL: http/, {
      POLYFAAS_BUCKET_DOCS: 'gs://wc-docs/v1/',
      POLYFAAS_LOG_LEVEL: 'silent',
    });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/count`, { method: 'POST', body: 'a b c d e' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ words: 5 });
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('bundles for Azure and the bundle registers its functions with @azure/functions', async () => {
    const ran = await polyfaas(['bundle', 'azure', 'src/azure.ts', '--bucket', 'docs=azblob://wc-docs/v1']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = join(project, '.polyfaas/azure/word-count');
    expect(ran.stdout).toContain('func azure functionapp publish');
    const files = await filesUnder(out);
    expect([...files.keys()].filter((f) => f.endsWith('.wasm'))).toEqual([]);
    const pkg = JSON.parse(await readFile(join(out, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(['@azure/functions']);
    // Capture what the bundle registers, then call the HTTP function as the host would.
    const script = `import azure from '@azure/functions';
      const seen = [];
      for (const kind of ['http', 'storageBlob', 'storageQueue', 'timer', 'eventGrid']) azure.app[kind] = (name, options) => seen.push({ kind, name, options });
      await import('./index.mjs');
      const count = seen.find((s) => s.name === 'count');
      const res = await count.options.handler(new azure.HttpRequest({ method: 'POST', url: 'https://wc.azurewebsites.net/count', body: { string: 'one two' } }),
        new azure.InvocationContext({ invocationId: 'i1', functionName: 'count' }));
      console.log(JSON.stringify({ registered: seen.map((s) => s.kind + ':' + s.name).sort(), status: res.status ?? 200, body: res.jsonBody ?? JSON.parse(Buffer.from(res.body).toString()) }));`;
    const invoked = await mustRun(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: { POLYFAAS_BUCKET_DOCS: 'azblob://wc-docs/v1', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', POLYFAAS_LOG_LEVEL: 'silent' },
    });
    const result = JSON.parse(invoked.stdout.trim().split('\n').pop() as string) as { registered: string[]; status: number; body: unknown };
    expect(result.registered).toEqual(expect.arrayContaining(['http:count', 'storageBlob:tally']));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ words: 2 });
  }, 180_000);
});
