import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBucketConformance, runRuntimeConformance } from '../../src/testing/index.js';
import { FileBucket } from './index.js';
import { localHarness } from './test-support/runtime-harness.js';

runBucketConformance('file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-local-'));
  return { bucket: new FileBucket(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
}, { getFilling: true });

runRuntimeConformance('local (real HTTP)', localHarness);
