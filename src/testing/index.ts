/**
 * `polyfaas/testing`: conformance suites (vitest) that every bucket driver and
 * runtime adapter runs, exported so third-party drivers can prove themselves.
 *
 * @packageDocumentation
 */
export { runBucketConformance, INVALID_KEYS } from './bucket-conformance.js';
export type { BucketConformanceOptions } from './bucket-conformance.js';
export { runRuntimeConformance } from './runtime-conformance.js';
export type { RunningApp, RuntimeHarness } from './runtime-conformance.js';
export { fetchHttp } from './fetch-http.js';
export { runKeyValueConformance, INVALID_KV_KEYS } from './kv-conformance.js';
export type { KeyValueConformanceOptions } from './kv-conformance.js';
export type { KvProcessSetup } from './kv-processes.js';
export { runIdempotencyConformance } from './idempotency-conformance.js';
export type { IdempotencyConformanceOptions } from './idempotency-conformance.js';
