/**
 * `polyfaas/memory`: in-memory buckets and an in-process runtime for unit tests.
 *
 * @packageDocumentation
 */
export { MemoryBucket, registerSchemes } from './memory-bucket.js';
export { MemoryKeyValueStore } from './memory-kv.js';
export { createMemoryRuntime } from './memory-runtime.js';
export type { MemoryRuntime, MemoryRuntimeOptions } from './memory-runtime.js';
