import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { RuntimeHarness } from '../../src/testing/index.js';

/** The memory runtime as a {@link RuntimeHarness}: 1 ms retry delays, in-process delivery. */
export const memoryHarness: RuntimeHarness = {
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
};
