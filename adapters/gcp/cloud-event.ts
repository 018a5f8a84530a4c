import type {
  AnyFunction,
  BucketBinding,
  MessageEvent,
  ScheduleEvent,
  StorageEvent,
  Trigger,
} from '../../src/index.js';
import { createMessageEvent, createScheduleEvent, createStorageEvent, PolyfaasError } from '../../src/index.js';
import {
  idField,
  isRecord,
  isWarmupEvent,
  matchesStorageTrigger,
  objectField,
  resolveProviderObject,
  sizeField,
  stringField,
  stringMapField,
  timeField,
} from '../../src/adapter.js';

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
 * A malformed event (mistyped fields, an invalid time or size) throws `InvalidArgument`.
 */
export function mapCloudEvent(
  fn: AnyFunction,
  cloudEvent: GcpCloudEvent,
  bindings: Readonly<Record<string, BucketBinding>>,
  attempt = 1,
): MappedCloudEvent {
  if (!isRecord(cloudEvent) || typeof cloudEvent.type !== 'string') {
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
  const meta = {
    id: idField(cloudEvent.id, 'CloudEvent id'),
    source: stringField(cloudEvent.source, 'CloudEvent source', true),
    subject: stringField(cloudEvent.subject, 'CloudEvent subject', true),
    time: timeField(cloudEvent.time, 'CloudEvent time'),
  };
  if (trigger.type === 'storage') return storageEvent(fn, trigger, cloudEvent, meta, objectField(data, 'Cloud Storage CloudEvent data', true), bindings);
  const message = objectField(objectField(data, 'Pub/Sub CloudEvent data', true)?.message, 'Pub/Sub CloudEvent data.message', true);
  if (!message) throw new PolyfaasError('InvalidArgument', `${fn.name}: Pub/Sub CloudEvent has no message`);
  const body = Buffer.from(stringField(message.data, 'Pub/Sub message data', true) ?? '', 'base64');
  const time = timeField(message.publishTime, 'Pub/Sub message publishTime') ?? meta.time ?? new Date();
  if (isWarmupEvent(parseJson(body))) return { action: 'warmup' };
  const id = idField(message.messageId, 'Pub/Sub message messageId') ?? meta.id;
  const common = { ...(id ? { id } : {}), ...(meta.source !== undefined ? { source: meta.source } : {}), time, raw: cloudEvent };
  if (trigger.type === 'schedule') {
    return { action: 'invoke', event: createScheduleEvent({ ...common, cron: trigger.cron, scheduledTime: time }) };
  }
  const attributes = { ...stringMapField(message.attributes, 'Pub/Sub message attributes') };
  return {
    action: 'invoke',
    event: createMessageEvent({ ...common, queue: trigger.queue, body, attributes, deliveryCount: attempt }),
  };
}

interface CloudEventMeta {
  id: string | undefined;
  source: string | undefined;
  subject: string | undefined;
  time: Date | undefined;
}

function storageEvent(
  fn: AnyFunction,
  trigger: Extract<Trigger, { type: 'storage' }>,
  cloudEvent: GcpCloudEvent,
  meta: CloudEventMeta,
  data: Record<string, unknown> | undefined,
  bindings: Readonly<Record<string, BucketBinding>>,
): MappedCloudEvent {
  // The object data names bucket and object; source/subject say the same for events that carry no data.
  const bucket = stringField(data?.bucket, 'Cloud Storage object bucket', true) ?? /\/buckets\/([^/]+)$/.exec(meta.source ?? '')?.[1];
  const name = stringField(data?.name, 'Cloud Storage object name', true) ?? meta.subject?.replace(/^objects\//, '');
  if (!bucket || !name) {
    throw new PolyfaasError('InvalidArgument', `${fn.name}: storage CloudEvent names no bucket and object`);
  }
  const logical = resolveProviderObject(bindings, { scheme: 'gs', bucket, key: name });
  if (!logical) return { action: 'skip', reason: `gs://${bucket}/${name} is not in any bucket bound to the app` };
  const kind = cloudEvent.type === GCS_DELETED ? 'deleted' : 'created';
  const generation = data?.generation;
  if (generation !== undefined && generation !== null && typeof generation !== 'string' && typeof generation !== 'number') {
    throw new PolyfaasError('InvalidArgument', 'Malformed event: Cloud Storage object generation must be a string or number');
  }
  const objectTime = timeField(kind === 'deleted' ? data?.timeDeleted : data?.updated, `Cloud Storage object ${kind === 'deleted' ? 'timeDeleted' : 'updated'}`);
  const event = createStorageEvent({
    kind,
    bucket: logical.bucket,
    key: logical.key,
    size: sizeField(data?.size, 'Cloud Storage object size'),
    etag: kind === 'created' && generation !== undefined && generation !== null ? String(generation) : '',
    ...(meta.id ? { id: meta.id } : {}),
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    time: meta.time ?? objectTime ?? new Date(),
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
