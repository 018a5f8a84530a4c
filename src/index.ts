/**
 * `polyfaas`: what an app author imports: functions and their triggers,
 * events, buckets, key-value stores, errors, auth, encryption and the logger.
 * Imports no cloud SDK.
 *
 * What adapter, bucket-driver and key-encryption-key authors need besides
 * (the shared `AppRuntime`, event delivery, driver base classes, provider
 * field readers, …) is in `polyfaas/adapter` (src/adapter.ts), as Go CDK
 * keeps `blob/driver` apart from `blob`. test/public-surface.test.ts lists
 * every name each entry exports, so the surface only grows on purpose.
 *
 * @packageDocumentation
 */
export { PolyfaasError, isPolyfaasError, ErrorCodes } from './errors.js';
export type { ErrorCode, PolyfaasErrorOptions } from './errors.js';
export type { EventMeta } from './events/meta.js';
export { createHttpRequest, json, text } from './events/http.js';
export type { HttpMethod, HttpRequest, HttpRequestInit, HttpResponse } from './events/http.js';
export { createStorageEvent } from './events/storage.js';
export type { StorageEvent, StorageEventInit, StorageEventType } from './events/storage.js';
export { createMessageEvent } from './events/message.js';
export type { MessageEvent, MessageEventInit } from './events/message.js';
export { createScheduleEvent } from './events/schedule.js';
export type { ScheduleEvent } from './events/schedule.js';
export { defineFunction, defineApp, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_RETRIES } from './function.js';
export type {
  AnyFunction,
  AppDefinition,
  BucketBinding,
  StoreBinding,
  EventFor,
  FunctionDefinition,
  FunctionSpec,
  HttpTrigger,
  QueueTrigger,
  ResultFor,
  ScheduleTrigger,
  StorageTrigger,
  Trigger,
} from './function.js';
export type { Context, InitContext, ProviderName } from './context.js';
export { createLogger } from './logger.js';
export type { Logger, LoggerOptions, LogLevel, LogRecord } from './logger.js';
export { openBucket } from './storage/url.js';
export { readAll } from './storage/body.js';
export type { Bucket, BucketObject, BucketObjectStream, ListOptions, ListPage, ListPageOptions, ObjectInfo, PutBody, PutOptions } from './storage/types.js';
export { openKeyValueStore } from './kv/url.js';
export { cached } from './kv/cache.js';
export { IDEMPOTENCY_KEY_HEADER } from './idempotency/payload.js';
export { DEFAULT_IDEMPOTENCY_EXPIRY_MS } from './idempotency/run.js';
export type { IdempotencyInfo, IdempotencyOptions } from './idempotency/types.js';
export type { JsonValue, KeyValueStore, KvDeleteOptions, KvEntry, KvIncrementOptions, KvPutOptions, KvValue, KvWriteResult } from './kv/types.js';
export { mapLimit } from './map-limit.js';
export { encryptedBucket, EncryptedBucket, rewrap } from './crypto/encrypted-bucket.js';
export type { EncryptedBucketOptions } from './crypto/encrypted-bucket.js';
export { keyring } from './crypto/key-encryption-key.js';
export type { KeyEncryptionKey, Keyring, WrapContext } from './crypto/key-encryption-key.js';
export { localKey, localKeyFromEnv, localKeyFromFile, generateLocalKey, LOCAL_KEY_ENV } from './crypto/local-key.js';
export type { DataKeyCacheOptions } from './crypto/data-key-cache.js';
export { hashApiKey, generateApiKey, parseApiKeys, API_KEYS_ENV } from './auth/api-keys.js';
export { googleIapJwt, googleIdTokenJwt, DEFAULT_JWT_ALGORITHMS } from './auth/jwt.js';
export { API_KEY_HEADER } from './auth/credentials.js';
export type { AuthInfo, AuthMethod, AuthOptions, ApiKeyOptions, ApiKeyRecord, FunctionAuth, JwtOptions, PlatformPrincipal, PlatformTrust, RateLimitOptions } from './auth/types.js';
export { map, defineMapFunction, inProcessInvoker } from './scale/index.js';
export type { DirectInvokeTarget, Invoker, InvokeOptions, MapFunctionSpec, MapItem, MapItemContext, MapOptions, MapResult, MapStats, MapTask, StragglerOptions } from './scale/index.js';
export { DEFAULT_PRICES, withPrices, billedUsage, invocationCost, monthlyBill, runCost, costPerMillion } from './cost/index.js';
export type { BilledUsage, InvocationFacts, InvocationUsage, MonthlyBill, MonthlyUsage, PlatformPrice, PricedPlatform, PriceTable, RunCostOptions, StageCost } from './cost/index.js';
