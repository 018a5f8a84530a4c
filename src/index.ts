/**
 * polyfaas core: the provider-neutral contract. Imports no cloud SDK.
 *
 * @packageDocumentation
 */
export { PolyfaasError, isPolyfaasError, toPolyfaasError, httpStatusFor, ErrorCodes } from './errors.js';
export type { ErrorCode, PolyfaasErrorOptions } from './errors.js';
export type { EventMeta } from './events/meta.js';
export {
  countField,
  flagField,
  idField,
  isRecord,
  objectField,
  requestTarget,
  sizeField,
  stringField,
  stringListField,
  stringListMapField,
  stringMapField,
  timeField,
} from './events/provider-fields.js';
export { createHttpRequest, json, text, encodeResponseBody } from './events/http.js';
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
export { createBucket, DriverBucket } from './storage/portable.js';
export { validateKey, validatePrefix, validateMetadata, MAX_KEY_BYTES } from './storage/keys.js';
export { openBucket, registerBucketScheme, registeredBucketSchemes } from './storage/url.js';
export type { BucketOpener } from './storage/url.js';
export { readAll } from './storage/body.js';
export type {
  Bucket,
  BucketDriver,
  BucketObject,
  BucketObjectStream,
  DriverPutOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectInfo,
  PutBody,
  PutOptions,
} from './storage/types.js';
export { createKeyValueStore, DriverKeyValueStore, isExpired, backoff } from './kv/portable.js';
export { openKeyValueStore, registerKeyValueScheme, registeredKeyValueSchemes, BUCKET_KV_PREFIX } from './kv/url.js';
export type { KeyValueOpener } from './kv/url.js';
export { BucketKeyValueStore } from './kv/bucket-store.js';
export { SeenVersions } from './kv/seen-versions.js';
export { validateKvKey, validateTtl, kvKeyDigest, MAX_KV_KEY_BYTES, MAX_KV_VALUE_BYTES, MAX_KV_TTL_MS } from './kv/limits.js';
export { encodeKvValue, decodeKvValue, decodeCounter, encodeCounter, addCounter, newKvVersion, KV_BYTES_TAG, KV_JSON_TAG } from './kv/codec.js';
export { cached } from './kv/cache.js';
export type {
  DriverKvPutOptions,
  JsonValue,
  KeyValueDriver,
  KeyValueStore,
  KvDeleteOptions,
  KvEntry,
  KvIncrementOptions,
  KvPutOptions,
  KvRecord,
  KvValue,
  KvWriteResult,
} from './kv/types.js';
export { AppRuntime } from './runtime/app-runtime.js';
export type { AppRuntimeOptions, HandleHttpOptions, HttpTarget } from './runtime/app-runtime.js';
export { FunctionInstance } from './runtime/instance.js';
export { InvocationObserver, InvocationSlot } from './runtime/invocation-observer.js';
export type { InvocationListener, InvocationObserverOptions, InvocationRecord, ObservedLogLine } from './runtime/invocation-observer.js';
export { summariseEvent } from './runtime/event-summary.js';
export type { InstanceOptions, InvocationOptions, WarmupResult } from './runtime/instance.js';
export type { DeliveryFacts, DirectInvocation, EventInput, EventOutcome, NeutralEvent } from './runtime/event-input.js';
export { hostFailure, isRetried, malformedEvent, rejectedEvent } from './runtime/event-failure.js';
export { EventDelivery } from './runtime/delivery.js';
export type { DeadLetter, DeliveryOptions } from './runtime/delivery.js';
export { NO_JOURNAL } from './runtime/delivery-journal.js';
export type { DeliveryJournal, PendingDelivery } from './runtime/delivery-journal.js';
export { resumeDeliveries, retryDeadLetter } from './runtime/resume-deliveries.js';
export { decodeEvent, encodeEvent } from './runtime/event-codec.js';
export { observeBucket } from './runtime/observed-bucket.js';
export { matchesStorageTrigger } from './runtime/storage-match.js';
export { errorResponse } from './runtime/errors.js';
export { classifyRemoteError, codeForHttpStatus, codeForNetworkError } from './runtime/remote-errors.js';
export type { ErrorBody } from './runtime/errors.js';
export { WARMUP_HEADER, WARMUP_EVENT, WARMUP_TOKEN_ENV, isWarmupEvent, isWarmupRequest, generateWarmupToken } from './runtime/warmup.js';
export { toHttpResult, responseToResult, encodedToResult } from './runtime/http-result.js';
export type { HttpResult, ResponseToResultOptions } from './runtime/http-result.js';
export { encodeHttpResponse } from './runtime/http-encode.js';
export type { EncodedHttpResponse, EncodeContext } from './runtime/http-encode.js';
export { fromNodeRequest, nodeRequestPath, writeEncoded, writeNodeResponse } from './runtime/node-http.js';
export type { NodeRequestOptions, NodeResponseOptions } from './runtime/node-http.js';
export { readBodyWithLimit } from './runtime/node-body.js';
export type { BodyRead } from './runtime/node-body.js';
export { encodeCursor, decodeCursor } from './storage/cursor.js';
export { bucketBindingsFromEnv, bucketEnvName, resolveProviderObject, BUCKET_ENV_PREFIX, storeBindingsFromEnv, STORE_ENV_PREFIX } from './runtime/bindings.js';
export type { ProviderObjectRef } from './runtime/bindings.js';
export { HttpRouter } from './runtime/router.js';
export type { RouteMatch } from './runtime/router.js';
export { parseCron } from './runtime/cron.js';
export type { CronSchedule } from './runtime/cron.js';
export { mapLimit } from './map-limit.js';
export { lazy } from './lazy.js';
export { encryptedBucket, EncryptedBucket, rewrap, ENVELOPE_METADATA_KEY } from './crypto/encrypted-bucket.js';
export type { EncryptedBucketOptions } from './crypto/encrypted-bucket.js';
export { keyring, canonicalContext } from './crypto/key-encryption-key.js';
export type { KeyEncryptionKey, Keyring, WrapContext } from './crypto/key-encryption-key.js';
export { localKey, localKeyFromEnv, localKeyFromFile, generateLocalKey, LOCAL_KEY_ENV } from './crypto/local-key.js';
export type { DataKeyCacheOptions } from './crypto/data-key-cache.js';
export type { EnvelopeHeader } from './crypto/envelope-header.js';
export { sealedSize, plaintextSize, SEGMENT_BYTES } from './crypto/segments.js';
export { assertSecureEndpoint } from './storage/secure-endpoint.js';
export { hashApiKey, generateApiKey, parseApiKeys, API_KEYS_ENV } from './auth/api-keys.js';
export { googleIapJwt, googleIdTokenJwt, DEFAULT_JWT_ALGORITHMS } from './auth/jwt.js';
export { API_KEY_HEADER } from './auth/credentials.js';
export { effectiveAuth, hasAuthMethod } from './auth/policy.js';
export type { AuthInfo, AuthMethod, AuthOptions, ApiKeyOptions, ApiKeyRecord, FunctionAuth, JwtOptions, PlatformPrincipal, PlatformTrust, RateLimitOptions } from './auth/types.js';
