import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/index.js';
import type { Bucket } from '../../../src/index.js';
import type { RuntimeHarness } from '../../../src/testing/index.js';
import { fetchHttp } from '../../../src/testing/index.js';
import { FileBucket, serve } from '../index.js';

/** The local adapter as a {@link RuntimeHarness}: a real HTTP server, buckets in a fresh temp directory. */
export const localHarness: RuntimeHarness = {
  async start(app, opts) {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-local-'));
    const buckets: Record<string, Bucket> = {};
    for (const name of Object.keys(app.buckets)) buckets[name] = new FileBucket(path.join(dir, name));
    // initOnStart: false so init runs on the first request, as the suite's init-retry test assumes of every adapter.
    const server = await serve(app, { ...opts, buckets, initOnStart: false, retryDelayMs: 1, log: createLogger({ level: 'silent' }) });
    return {
      http: (init) => fetchHttp(server.url, init),
      bucket: (name) => server.bucket(name),
      send: async (queue, body) => {
        for (const one of typeof body === 'string' ? [body] : body) server.send(queue, one);
      },
      tick: async (name) => server.tick(name),
      idle: () => server.idle(),
      deadLetters: () => server.deadLetters,
      async close() {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
