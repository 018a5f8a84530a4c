import type {
  AnyFunction,
  BucketBinding,
  MessageEvent,
  ScheduleEvent,
  StorageEvent,
  Trigger,
} from '../../src/index.js';
import {
  createMessageEvent,
  createScheduleEvent,
  createStorageEvent,
  isWarmupEvent,
  matchesStorageTrigger,
  PolyfaasError,
  resolveProviderObject,
} from '../../src/index.js';

/** CloudEvent type of a Cloud Storage object creation or overwrite. */
export const GCS_FINALIZED = 'google.cloud.storage.object.v1.finalized';
/** CloudEvent type of a Cloud Storage object deletion. */
export const GCS_DELETED = 'google.cloud.storage.object.v1.deleted';
/** CloudEvent type of a Pub/Sub message (also how Cloud Scheduler reaches a function). */
export const PUBSUB_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

/** A CloudEvent as the Functions Framework hands it to a `cloudEvent()` function. */
export interface GcpCloudEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly specversion?: string;
  readonly time?: string;
  readonly subject?: string;
  readonly data?: unknown;
}

/** What an event-triggered function should do with one CloudEvent. */
export type MappedCloudEvent =
  | { readonly action: 'invoke'; readonly event: StorageEvent | MessageEvent | ScheduleEvent }
  | { readonly action: 'warmup' }
  | { readonly action: 'skip'; readonly reason: string };

interface StorageObjectData {
  bucket?: string;
  name?: string;
  size?: string | number;
  generation?: string | number;
  updated?: string;
  timeCreated?: string;
  timeDeleted?: string;
}

interface PubsubMessageData {
  message?: { data?: string; attributes?: Record<string, string>; messageId?: string; publishTime?: string };
}

/**
 * Turn a CloudEvent into the neutral event a function's trigger expects.
 *
 * - GCS `finalized`/`deleted` → {@link StorageEvent}, with the provider bucket +
 *   object name mapped back to the logical bucket and key through `bindings`
 *   (`gs://bucket/prefix/`). Eventarc cannot filter by prefix or suffix, so events
 *   outside the trigger's filters (or buckets) are skipped here.
 * - Pub/Sub `messagePublished` → {@link MessageEvent} for queue triggers, and
 *   {@link ScheduleEvent} for schedule triggers (Cloud Scheduler publishes to a
 *   topic that triggers the function).
 * - A payload of `{ "polyfaas": "warmup" }` is a warm-up ping.
 *
 * An event type the trigger cannot take throws `Unimplemented`, so the platform
 * sees a failure (and retries, if retries are enabled) rather than a silent drop.
 */
export function mapCloudEvent(
  fn: AnyFunction,
  cloudEvent: GcpCloudEvent,
  bindings: Readonly<Record<string, BucketBinding>>,
  attempt = 1,
): MappedCloudEvent {
  if (!cloudEvent || typeof cloudEvent !== 'object' || typeof cloudEvent.type !== 'string') {
    throw new PolyfaasError('InvalidArgument', `${fn.name} received something that is not a CloudEvent`);
  }
  const trigger = fn.trigger as Trigger;
  const expected = trigger.type === 'storage' ? [GCS_FINALIZED, GCS_DELETED] : [PUBSUB_PUBLISHED];
  if (trigger.type === 'http' || !expected.includes(cloudEvent.type)) {
    throw new PolyfaasError('Unimplemented', `${fn.name} (${trigger.type} trigger) cannot handle CloudEvent type "${cloudEvent.type}"`, {
      details: { type: cloudEvent.type, expected },
    });
  }
  const data = parseData(cloudEvent.data);
  if (isWarmupEvent(data)) return { action: 'warmup' };
  if (trigger.type === 'storage') return storageEvent(fn, trigger, cloudEvent, data as StorageObjectData, bindings);
  const message = (data as PubsubMessageData | undefined)?.message;
  if (!message || typeof message !== 'object') {
    throw new PolyfaasError('InvalidArgument', `${fn.name}: Pub/Sub CloudEvent ${cloudEvent.id} has no message`);
  }
  const body = Buffer.from(message.data ?? '', 'base64');
  const time = parseTime(message.publishTime ?? cloudEvent.time);
  if (isWarmupEvent(parseJson(body))) return { action: 'warmup' };
  const meta = { id: message.messageId ?? cloudEvent.id, source: cloudEvent.source, time, raw: cloudEvent };
  if (trigger.type === 'schedule') {
    return { action: 'invoke', event: createScheduleEvent({ ...meta, cron: trigger.cron, scheduledTime: time }) };
  }
  return {
    action: 'invoke',
    event: createMessageEvent({ ...meta, queue: trigger.queue, body, attributes: { ...(message.attributes ?? {}) }, deliveryCount: attempt }),
  };
}

function storageEvent(
  fn: AnyFunction,
  trigger: Extract<Trigger, { type: 'storage' }>,
  cloudEvent: GcpCloudEvent,
  data: StorageObjectData | undefined,
  bindings: Readonly<Record<string, BucketBinding>>,
): MappedCloudEvent {
  // The object data names bucket and object; source/subject say the same for events that carry no data.
  const bucket = data?.bucket ?? /\/buckets\/([^/]+)$/.exec(cloudEvent.source)?.[1];
  const name = data?.name ?? cloudEvent.subject?.replace(/^objects\//, '');
  if (!bucket || !name) {
    throw new PolyfaasError('InvalidArgument', `${fn.name}: storage CloudEvent ${cloudEvent.id} names no bucket and object`);
  }
  const logical = resolveProviderObject(bindings, { scheme: 'gs', bucket, key: name });
  if (!logical) return { action: 'skip', reason: `gs://${bucket}/${name} is not in any bucket bound to the app` };
  const kind = cloudEvent.type === GCS_DELETED ? 'deleted' : 'created';
  const event = createStorageEvent({
    kind,
    bucket: logical.bucket,
    key: logical.key,
    size: Number(data?.size ?? 0) || 0,
    etag: kind === 'created' && data?.generation !== undefined ? String(data.generation) : '',
    id: cloudEvent.id,
    source: cloudEvent.source,
    time: parseTime(cloudEvent.time ?? (kind === 'deleted' ? data?.timeDeleted : data?.updated)),
    raw: cloudEvent,
  });
  if (!matchesStorageTrigger(trigger, event)) return { action: 'skip', reason: `${kind} ${logical.bucket}/${logical.key} does not match the trigger` };
  return { action: 'invoke', event };
}

/** Binary-mode events whose content type the framework does not parse arrive as bytes or text. */
function parseData(data: unknown): unknown {
  if (Buffer.isBuffer(data)) return parseJson(data);
  if (typeof data === 'string') return parseJson(Buffer.from(data));
  return data;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseTime(value: string | undefined): Date {
  const time = value ? new Date(value) : new Date();
  return Number.isNaN(time.getTime()) ? new Date() : time;
}
