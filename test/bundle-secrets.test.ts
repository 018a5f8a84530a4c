/**
 * Secrets stay out of bundles: an API key in the environment of the machine
 * that bundles is read by the deployed function at run time (from the cloud's
 * secret store), never written into code, templates or plans.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAws } from '../adapters/aws/bundle/bundle-app.js';
import { bundleGcpApp } from '../adapters/gcp/bundle/gcp-bundle.js';
import { hashApiKey } from '../src/index.js';

const root = resolve(import.meta.dirname, '..');
const KEY = 'pfk_bundle-time-secret-7f3a9c';

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('bundles never contain API keys', () => {
  let dir: string;
  const previous = process.env.POLYFAAS_API_KEYS;
  beforeAll(async () => {
    await mkdir(join(root, '.polyfaas'), { recursive: true });
    dir = await mkdtemp(join(root, '.polyfaas/secrets-test-'));
    const app = `import { defineApp, defineFunction, json } from '${join(root, 'src/index.js')}';
export const app = defineApp({ name: 'keyed', auth: { apiKeys: {} }, functions: [defineFunction({ name: 'api', trigger: { type: 'http', method: 'POST', path: '/predict' }, handler: (_r, ctx) => json({ who: ctx.auth?.subject }) })] });\n`;
    await writeFile(join(dir, 'app.ts'), app);
    await writeFile(join(dir, 'aws.ts'), `import { toLambda } from '${join(root, 'adapters/aws/index.js')}';\nimport { app } from './app.js';\nexport { app };\nexport const { handler } = toLambda(app);\n`);
    await writeFile(join(dir, 'gcp.ts'), `import { registerGcp } from '${join(root, 'adapters/gcp/index.js')}';\nimport { app } from './app.js';\nregisterGcp(app);\nexport { app };\n`);
    // Configured on the bundling machine, as a developer testing locally would have it.
    process.env.POLYFAAS_API_KEYS = `laptop:${KEY}:predict`;
  }, 30_000);
  afterAll(async () => {
    if (previous === undefined) delete process.env.POLYFAAS_API_KEYS;
    else process.env.POLYFAAS_API_KEYS = previous;
    await rm(dir, { recursive: true, force: true });
  });

  const expectClean = async (out: string) => {
    const files = await allFiles(out);
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(KEY), file).toBe(false);
      expect(bytes.includes(hashApiKey(KEY)), file).toBe(false);
    }
  };

  it('AWS: zips, templates and plan hold no key; the templates reference Secrets Manager', async () => {
    const out = join(dir, 'aws-out');
    const result = await bundleAws({ entry: join(dir, 'aws.ts'), outDir: out, region: 'eu-west-1' });
    await expectClean(out);
    expect(result.samTemplate).toContain('POLYFAAS_API_KEYS: "{{resolve:secretsmanager:keyed-polyfaas-api-keys}}"');
    expect(result.serverlessYml).toContain('POLYFAAS_API_KEYS: "${ssm:/aws/reference/secretsmanager/keyed-polyfaas-api-keys}"');
    // The app checks every caller itself, so its URL is NONE (the app is the gate), not public by omission.
    expect(result.plan.access).toBe('app');
  }, 120_000);

  it('GCP: the source folder holds no key; the deploy command reads it from Secret Manager and stays private', async () => {
    const out = join(dir, 'gcp-out');
    const result = await bundleGcpApp({ entry: join(dir, 'gcp.ts'), outDir: out });
    await expectClean(out);
    const command = result.plans[0]?.command ?? '';
    expect(command).toContain('--set-secrets=POLYFAAS_API_KEYS=keyed-polyfaas-api-keys:latest');
    expect(command).toContain('--no-allow-unauthenticated');
    expect(command).not.toContain(KEY);
    expect(result.plans[0]?.call?.join('\n')).toMatch(/X-Serverless-Authorization: Bearer \$\(gcloud auth print-identity-token\)" -H "x-api-key: \$POLYFAAS_API_KEY"/);
  }, 120_000);
});
