/**
 * `polyfaas/local`: the embedded default runtime. File-system buckets and a
 * local HTTP server that runs an app with the same semantics as the clouds.
 *
 * @example
 * ```ts
 * import { serve } from 'polyfaas/local';
 * const server = await serve(app, { port: 3000 });
 * ```
 *
 * @packageDocumentation
 */
export { FileBucket } from './file-bucket.js';
export { registerSchemes } from './schemes.js';
export { FileKeyValueStore } from './kv-dir.js';
export type { FileKeyValueStoreOptions } from './kv-dir.js';
export type { FileBucketOptions } from './file-bucket.js';
export { serve } from './serve.js';
export type { LocalServer, ServeOptions } from './serve.js';
export type { ConsoleOptions } from './console/console.js';
export { localPoolInvoker } from './worker-pool.js';
export type { LocalPool, LocalPoolOptions } from './worker-pool.js';
export { sendToPoolParent } from './pool-channel.js';
