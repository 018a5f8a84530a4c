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
export { bucketBindingsFromEnv, bucketEnvName, resolveProviderObject, BUCKET_ENV_PREFIX } from './runtime/bindings.js';
export type { ProviderObjectRef } from './runtime/bindings.js';
export { HttpRouter } from './runtime/router.js';
export type { RouteMatch } from './runtime/router.js';
export { parseCron } from './runtime/cron.js';
export type { CronSchedule } from './runtime/cron.js';
export { mapLimit } from './map-limit.js';
export { lazy } from './lazy.js';
