import { runIdempotencyConformance } from '../../src/testing/index.js';
import { createMemoryRuntime, MemoryKeyValueStore } from './index.js';

// One store object shared by both "instances": the memory runtime's state lives in one process.
const store = new MemoryKeyValueStore();

runIdempotencyConformance('memory runtime × memory store', {
  runtime: {
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
  },
  // close() on a shared store would end it for the other instance: hand out views that ignore it.
  openStore: async () => Object.assign(Object.create(store) as MemoryKeyValueStore, { close: async () => {} }),
});
