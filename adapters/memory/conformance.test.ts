import { runBucketConformance, runRuntimeConformance } from '../../src/testing/index.js';
import { createMemoryRuntime, MemoryBucket } from './index.js';

runBucketConformance('MemoryBucket', async () => ({ bucket: new MemoryBucket('conformance') }));

runRuntimeConformance('memory runtime', {
  async start(app, options) {
    const rt = await createMemoryRuntime(app, { ...options, retryDelayMs: 1 });
    return {
      http: (request) => rt.http(request),
      bucket: (name) => rt.bucket(name),
      send: async (queue, body) => {
        for (const one of typeof body === 'string' ? [body] : body) rt.send(queue, one);
      },
      tick: async (name) => rt.tick(name),
      idle: () => rt.idle(),
      deadLetters: () => rt.deadLetters,
      close: () => rt.idle(),
    };
  },
});
