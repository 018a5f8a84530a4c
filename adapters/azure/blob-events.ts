import type { InvocationContext } from '@azure/functions';
import type { BucketBinding, StorageEvent } from '../../src/index.js';
import { createStorageEvent, resolveProviderObject } from '../../src/index.js';

/** Blob properties as the host serialises them (Blob extension v5 `BlobProperties`, or v4 `CloudBlob` names). */
interface BlobTriggerProperties {
  contentLength?: number;
  length?: number;
  eTag?: string;
  etag?: string;
  lastModified?: string;
  contentType?: string;
}

/** What a blob trigger puts in `context.triggerMetadata` (camel-cased by `@azure/functions`). */
interface BlobTriggerMetadata {
  blobTrigger?: string;
  uri?: string;
  properties?: BlobTriggerProperties;
}

/**
 * The neutral event for a blob-trigger invocation (polling or Event Grid
 * source), from `context.triggerMetadata`: `blobTrigger` is `container/name`,
 * `properties` carries size, ETag and time. Undefined when no bucket binding
 * covers the blob (the event belongs to another app).
 *
 * The id is the blob URI plus its ETag: stable across redeliveries of the same
 * write, different for every new write.
 */
export function storageEventFromBlobTrigger(
  context: InvocationContext,
  bindings: Readonly<Record<string, BucketBinding>>,
): StorageEvent | undefined {
  const meta = (context.triggerMetadata ?? {}) as BlobTriggerMetadata;
  const path = meta.blobTrigger;
  if (typeof path !== 'string' || !path.includes('/')) return undefined;
  const slash = path.indexOf('/');
  const ref = resolveProviderObject(bindings, { scheme: 'azblob', bucket: path.slice(0, slash), key: path.slice(slash + 1) });
  if (!ref) return undefined;
  const props = meta.properties ?? {};
  const etag = props.eTag ?? props.etag ?? '';
  const uri = meta.uri ?? `azblob://${path}`;
  return createStorageEvent({
    kind: 'created',
    bucket: ref.bucket,
    key: ref.key,
    size: props.contentLength ?? props.length ?? 0,
    etag,
    id: `${uri}#${etag}`,
    source: uri.slice(0, uri.length - path.length - 1) || uri,
    ...(props.lastModified ? { time: new Date(props.lastModified) } : {}),
    raw: { blob: meta, invocationId: context.invocationId },
  });
}

/** An Event Grid event in either schema the Event Grid trigger delivers. */
interface GridEvent {
  id?: string;
  /** Event Grid schema. */
  eventType?: string;
  eventTime?: string;
  topic?: string;
  /** CloudEvents schema. */
  type?: string;
  time?: string;
  source?: string;
  subject?: string;
  data?: { url?: string; eTag?: string; contentLength?: number };
}

const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/**
 * The neutral event for a Storage Event Grid event (`Microsoft.Storage.BlobCreated`
 * or `Microsoft.Storage.BlobDeleted`, Event Grid or CloudEvents schema).
 * The subject `/blobServices/default/containers/<c>/blobs/<name>` names the blob.
 * Undefined for other event types or blobs outside every binding.
 */
export function storageEventFromEventGrid(event: unknown, bindings: Readonly<Record<string, BucketBinding>>): StorageEvent | undefined {
  const e = (event ?? {}) as GridEvent;
  const type = e.eventType ?? e.type;
  const kind = type === 'Microsoft.Storage.BlobCreated' ? 'created' : type === 'Microsoft.Storage.BlobDeleted' ? 'deleted' : undefined;
  const match = SUBJECT.exec(e.subject ?? '');
  if (!kind || !match) return undefined;
  const ref = resolveProviderObject(bindings, { scheme: 'azblob', bucket: match[1] as string, key: match[2] as string });
  if (!ref) return undefined;
  const time = e.eventTime ?? e.time;
  return createStorageEvent({
    kind,
    bucket: ref.bucket,
    key: ref.key,
    size: kind === 'created' ? (e.data?.contentLength ?? 0) : 0,
    etag: kind === 'created' ? (e.data?.eTag ?? '') : '',
    ...(e.id ? { id: e.id } : {}),
    ...(e.topic ?? e.source ? { source: (e.topic ?? e.source) as string } : {}),
    ...(time ? { time: new Date(time) } : {}),
    raw: event,
  });
}
