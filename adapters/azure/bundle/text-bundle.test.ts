import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from '../../../pipelines/text-classification/index.js';
import { SPAM_DATASET } from '../../../examples/spam-detection/app.js';
import type { Azurite } from '../../../test/azure/azurite.js';
import { startAzurite } from '../../../test/azure/azurite.js';
import { captureRegistrationsAsync } from '../../../test/azure/functions-core-stub.js';
import { EmulatedHost } from '../../../test/azure/host.js';
import { runBundleCommand } from '../../../bundling/command.js';
import { azureBundler } from './bundler.js';

const root = resolve(import.meta.dirname, '../../..');
let azurite: Azurite;
let dir: string;

beforeAll(async () => {
  azurite = await startAzurite();
  await mkdir(join(root, '.polyfaas'), { recursive: true });
  // Inside the repository, so the bundle's externals resolve from its node_modules as the remote build would install them.
  dir = await mkdtemp(join(root, '.polyfaas/azure-text-bundle-test-'));
});
afterAll(async () => {
  await azurite?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The quick spam model, trained and copied into the container by test/azure/place-spam-model.ts in its own process. */
async function placeModelInChildProcess(container: string, prefix: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/azure/place-spam-model.ts'], {
    cwd: root,
    env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, SPAM_CONTAINER: container, SPAM_PREFIX: prefix },
  });
  return stdout.trim();
}

describe('polyfaas bundle azure on the spam-detection entry', () => {
  it('writes a function app whose captured classify handler serves a model from Azurite', async () => {
    const container = await azurite.container('spam');
    const binding = `azblob://${container}/spam`;
    const out = join(dir, 'spam');
    const io = { out: { write: () => true }, err: { write: () => true } };
    const [version, code] = await Promise.all([
      placeModelInChildProcess(container, 'spam'),
      runBundleCommand(azureBundler, [join(root, 'examples/spam-detection/azure.ts'), '--out', out, '--bucket', `data=${binding}`], io),
    ]);
    expect(code).toBe(0);

    // Loaded as the worker loads it (the host's core module stood in), bound through app settings.
    process.env.POLYFAAS_BUCKET_DATA = binding;
    process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
    try {
      const { functions } = await captureRegistrationsAsync(() => import(join(out, 'index.mjs')));
      expect(functions.map((f) => `${f.name}:${f.trigger.type}`).sort()).toEqual([
        'classify:httpTrigger',
        'evaluate-text:blobTrigger',
        'model-info:httpTrigger',
        'polyfaas-fallback:httpTrigger',
        'preprocess-text:blobTrigger',
        'train-text:blobTrigger',
      ]);
      const host = new EmulatedHost(functions, { service: azurite.service, containers: [container], maxDequeueCount: 3 });
      const res = await host.http({ method: 'POST', path: '/classify', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Subject: cheap meds\nBuy now, click here' });
      expect(res.status, res.text()).toBe(200);
      const body = res.json<ClassifyResponse>();
      expect(body).toMatchObject({ model: SPAM_DATASET, version });
      expect(Object.keys(body.results[0]?.probabilities ?? {})).toEqual(['ham', 'spam']);
    } finally {
      delete process.env.POLYFAAS_BUCKET_DATA;
      delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    }
  }, 240_000);
});
