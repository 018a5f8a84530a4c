import type { InvocationContext } from '@azure/functions';
import type { BucketBinding, StorageEvent } from '../../src/index.js';
import { createStorageEvent } from '../../src/index.js';
import { idField, objectField, resolveProviderObject, sizeField, stringField, timeField } from '../../src/adapter.js';

/**
 * The neutral event for a blob-trigger invocation (polling or Event Grid
 * source), from `context.triggerMetadata`: `blobTrigger` is `container/name`,
 * `properties` carries size, ETag and time. Undefined when no bucket binding
 * covers the blob (the event belongs to another app).
 *
 * The id is the blob URI plus its ETag: stable across redeliveries of the same
 * write, different for every new write. Malformed metadata (mistyped fields,
 * an invalid time or size) throws `InvalidArgument`.
 */
export function storageEventFromBlobTrigger(
  context: InvocationContext,
  bindings: Readonly<Record<string, BucketBinding>>,
): StorageEvent | undefined {
  // Blob properties as the host serialises them: Blob extension v5 `BlobProperties`, or v4 `CloudBlob` names.
  const meta = objectField(context.triggerMetadata, 'Blob trigger metadata', true) ?? {};
  const path = stringField(meta.blobTrigger, 'Blob trigger metadata blobTrigger', true);
  if (path === undefined || !path.includes('/')) return undefined;
  const slash = path.indexOf('/');
  const ref = resolveProviderObject(bindings, { scheme: 'azblob', bucket: path.slice(0, slash), key: path.slice(slash + 1) });
  if (!ref) return undefined;
  const props = objectField(meta.properties, 'Blob trigger metadata properties', true) ?? {};
  const etag = stringField(props.eTag ?? props.etag, 'Blob trigger properties eTag', true) ?? '';
  const uri = stringField(meta.uri, 'Blob trigger metadata uri', true) ?? `azblob://${path}`;
  const time = timeField(props.lastModified, 'Blob trigger properties lastModified');
  return createStorageEvent({
    kind: 'created',
    bucket: ref.bucket,
    key: ref.key,
    size: sizeField(props.contentLength ?? props.length, 'Blob trigger properties contentLength'),
    etag,
    id: `${uri}#${etag}`,
    source: uri.slice(0, uri.length - path.length - 1) || uri,
    ...(time ? { time } : {}),
    raw: { blob: meta, invocationId: context.invocationId },
  });
}

const SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;

/**
 * The neutral event for a Storage Event Grid event (`Microsoft.Storage.BlobCreated`
 * or `Microsoft.Storage.BlobDeleted`, Event Grid or CloudEvents schema).
 * The subject `/blobServices/default/containers/<c>/blobs/<name>` names the blob.
 * Undefined for other event types or blobs outside every binding; a malformed
 * event (mistyped fields, an invalid time or size) throws `InvalidArgument`.
 */
export function storageEventFromEventGrid(event: unknown, bindings: Readonly<Record<string, BucketBinding>>): StorageEvent | undefined {
  const e = objectField(event, 'Event Grid event');
  // `eventType`/`eventTime`/`topic` in the Event Grid schema, `type`/`time`/`source` in CloudEvents.
  const type = stringField(e.eventType ?? e.type, 'Event Grid event type', true);
  const kind = type === 'Microsoft.Storage.BlobCreated' ? 'created' : type === 'Microsoft.Storage.BlobDeleted' ? 'deleted' : undefined;
  const match = SUBJECT.exec(stringField(e.subject, 'Event Grid event subject', true) ?? '');
  if (!kind || !match) return undefined;
  const ref = resolveProviderObject(bindings, { scheme: 'azblob', bucket: match[1] as string, key: match[2] as string });
  if (!ref) return undefined;
  const data = objectField(e.data, 'Event Grid event data', true) ?? {};
  const time = timeField(e.eventTime ?? e.time, 'Event Grid event time');
  const id = idField(e.id, 'Event Grid event id');
  const source = stringField(e.topic ?? e.source, 'Event Grid event topic', true);
  return createStorageEvent({
    kind,
    bucket: ref.bucket,
    key: ref.key,
    size: kind === 'created' ? sizeField(data.contentLength, 'Event Grid event data.contentLength') : 0,
    etag: kind === 'created' ? (stringField(data.eTag, 'Event Grid event data.eTag', true) ?? '') : '',
    ...(id ? { id } : {}),
    ...(source ? { source } : {}),
    ...(time ? { time } : {}),
    raw: event,
  });
}
