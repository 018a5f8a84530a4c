import { runIdempotencyConformance } from '../../src/testing/index.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { MemoryKeyValueStore } from './index.js';

// One store object shared by both "instances": the memory store lives in one process.
const store = new MemoryKeyValueStore();

runIdempotencyConformance('memory runtime × memory store', {
  runtime: memoryHarness,
  // close() on the shared store would end it for the other instance: hand out views that ignore it.
  openStore: async () => Object.assign(Object.create(store) as MemoryKeyValueStore, { close: async () => {} }),
});
