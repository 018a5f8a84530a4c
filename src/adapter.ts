/**
 * `polyfaas/adapter`: what runtime-adapter, bucket-driver, key-value-driver
 * and key-encryption-key authors need besides `polyfaas`, as Go CDK's
 * `blob/driver` sits beside `blob`: the shared `AppRuntime` and function
 * instances, event delivery and its journal, the neutral event codec, HTTP
 * bridges for Node servers and platform results, provider-field readers,
 * bindings from environment variables, driver base classes and their
 * validators and codecs, scheme registration, remote-error classification and
 * the envelope format. App code should not need anything here; the
 * conformance suites that prove a driver or adapter are in `polyfaas/testing`.
 *
 * @packageDocumentation
 */
export { toPolyfaasError, httpStatusFor } from './errors.js';
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
export { encodeResponseBody } from './events/http.js';
export { createBucket, DriverBucket } from './storage/portable.js';
export { validateKey, validatePrefix, validateMetadata, MAX_KEY_BYTES } from './storage/keys.js';
export { registerBucketScheme, registeredBucketSchemes } from './storage/url.js';
export type { BucketOpener } from './storage/url.js';
export type { BucketDriver, DriverPutOptions, FillingReader } from './storage/types.js';
export { encodeCursor, decodeCursor } from './storage/cursor.js';
export { assertSecureEndpoint } from './storage/secure-endpoint.js';
export { createKeyValueStore, DriverKeyValueStore, isExpired, backoff } from './kv/portable.js';
export { registerKeyValueScheme, registeredKeyValueSchemes, BUCKET_KV_PREFIX } from './kv/url.js';
export type { KeyValueOpener } from './kv/url.js';
export { BucketKeyValueStore } from './kv/bucket-store.js';
export { SeenVersions } from './kv/seen-versions.js';
export { validateKvKey, validateTtl, kvKeyDigest, MAX_KV_KEY_BYTES, MAX_KV_VALUE_BYTES, MAX_KV_TTL_MS } from './kv/limits.js';
export { encodeKvValue, decodeKvValue, decodeCounter, encodeCounter, addCounter, copyBytes, newKvVersion, KV_BYTES_TAG, KV_JSON_TAG } from './kv/codec.js';
export type { DriverKvPutOptions, KeyValueDriver, KvRecord } from './kv/types.js';
export { AppRuntime } from './runtime/app-runtime.js';
export type { AppRuntimeOptions, HandleHttpOptions, HttpTarget } from './runtime/app-runtime.js';
export { FunctionInstance } from './runtime/instance.js';
export type { InstanceOptions, InvocationOptions, WarmupResult } from './runtime/instance.js';
export { InvocationObserver, InvocationSlot } from './runtime/invocation-observer.js';
export type { InvocationListener, InvocationObserverOptions, InvocationRecord, ObservedLogLine } from './runtime/invocation-observer.js';
export { summariseEvent } from './runtime/event-summary.js';
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
export type { ErrorBody } from './runtime/errors.js';
export { classifyRemoteError, codeForHttpStatus, codeForNetworkError } from './runtime/remote-errors.js';
export { WARMUP_HEADER, WARMUP_EVENT, WARMUP_TOKEN_ENV, isWarmupEvent, isWarmupRequest, generateWarmupToken } from './runtime/warmup.js';
export { toHttpResult, responseToResult, encodedToResult } from './runtime/http-result.js';
export type { HttpResult, ResponseToResultOptions } from './runtime/http-result.js';
export { encodeHttpResponse } from './runtime/http-encode.js';
export type { EncodedHttpResponse, EncodeContext } from './runtime/http-encode.js';
export { fromNodeRequest, nodeRequestPath, writeEncoded, writeNodeResponse } from './runtime/node-http.js';
export type { NodeRequestOptions, NodeResponseOptions } from './runtime/node-http.js';
export { readBodyWithLimit } from './runtime/node-body.js';
export type { BodyRead } from './runtime/node-body.js';
export { bucketBindingsFromEnv, bucketEnvName, resolveProviderObject, BUCKET_ENV_PREFIX, storeBindingsFromEnv, STORE_ENV_PREFIX } from './runtime/bindings.js';
export type { ProviderObjectRef } from './runtime/bindings.js';
export { HttpRouter } from './runtime/router.js';
export type { RouteMatch } from './runtime/router.js';
export { parseCron } from './runtime/cron.js';
export type { CronSchedule } from './runtime/cron.js';
export { lazy } from './lazy.js';
export { ENVELOPE_METADATA_KEY } from './crypto/encrypted-bucket.js';
export { canonicalContext } from './crypto/key-encryption-key.js';
export type { EnvelopeHeader } from './crypto/envelope-header.js';
export { sealedSize, plaintextSize, SEGMENT_BYTES } from './crypto/segments.js';
export { effectiveAuth, hasAuthMethod } from './auth/policy.js';
