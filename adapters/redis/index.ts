/**
 * `polyfaas/redis`: a key-value store on Redis, which every cloud offers
 * (ElastiCache, Memorystore, Azure Cache for Redis). Needs `@redis/client`.
 *
 * @packageDocumentation
 */
export { RedisKeyValueStore, registerSchemes } from './redis-kv.js';
export type { RedisClient, RedisKeyValueStoreOptions } from './redis-kv.js';
