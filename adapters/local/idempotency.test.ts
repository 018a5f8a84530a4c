import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { BucketKeyValueStore } from '../../src/adapter.js';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import { FileBucket } from './index.js';
import { localHarness } from './test-support/runtime-harness.js';

const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-idem-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// The local default for records: the bucket-backed store over a directory, CAS decided by FileBucket's conditional writes.
runIdempotencyConformance('local (real HTTP) × bucket-backed store (FileBucket)', {
  runtime: localHarness,
  openStore: async () => new BucketKeyValueStore(new FileBucket(dir, { durable: false })),
});
