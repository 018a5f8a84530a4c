import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, toHttpResult } from '../../src/index.js';
import type { Bucket } from '../../src/index.js';
import { runBucketConformance, runRuntimeConformance } from '../../src/testing/index.js';
import { FileBucket, serve } from './index.js';

const tempDir = () => mkdtemp(path.join(tmpdir(), 'polyfaas-local-'));

runBucketConformance('file', async () => {
  const dir = await tempDir();
  return { bucket: new FileBucket(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
});

runRuntimeConformance('local (real HTTP)', {
  async start(app, opts) {
    const dir = await tempDir();
    const buckets: Record<string, Bucket> = {};
    for (const name of Object.keys(app.buckets)) buckets[name] = new FileBucket(path.join(dir, name));
    // initOnStart: false so init runs on the first request, as the suite's init-retry test assumes of every adapter.
    const server = await serve(app, { ...opts, buckets, initOnStart: false, retryDelayMs: 1, log: createLogger({ level: 'silent' }) });
    return {
      async http(init) {
        const url = new URL(init.path, server.url);
        for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
        const res = await fetch(url, {
          method: init.method ?? 'GET',
          ...(init.headers ? { headers: init.headers } : {}),
          ...(init.body !== undefined ? { body: init.body } : {}),
        });
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => (headers[name] = value));
        return toHttpResult(res.status, headers, new Uint8Array(await res.arrayBuffer()));
      },
      bucket: (name) => server.bucket(name),
      idle: () => server.idle(),
      deadLetters: () => server.deadLetters,
      async close() {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
