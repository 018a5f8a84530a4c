import type { S3EventRecord } from 'aws-lambda';
import type { BucketBinding, StorageEvent, StorageEventType } from '../../../src/index.js';
import { createStorageEvent } from '../../../src/index.js';
import { objectField, resolveProviderObject, sizeField, stringField, timeField } from '../../../src/adapter.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for an S3 event notification (`Records[].eventSource === 'aws:s3'`). */
export function isS3Event(event: unknown): event is { Records: S3EventRecord[] } {
  return isObj(event) && Array.isArray(event.Records) && event.Records.length > 0 && event.Records.every((r) => isObj(r) && r.eventSource === 'aws:s3');
}

/**
 * S3 URL-encodes keys in notifications the way HTML forms do: `+` is a space,
 * `%2B` a plus. A malformed escape is kept as sent rather than failing the batch.
 */
export function decodeS3Key(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `ObjectCreated:*` → created, `ObjectRemoved:*` → deleted; other kinds (restore, replication…) are not storage events here. */
export function storageKind(eventName: string): StorageEventType | undefined {
  if (eventName.startsWith('ObjectCreated:')) return 'created';
  if (eventName.startsWith('ObjectRemoved:')) return 'deleted';
  return undefined;
}

/** What happened to one record: a neutral event, or why it was skipped. */
export type S3RecordResult = { event: StorageEvent } | { skipped: string };

/**
 * Translate one S3 record. The provider bucket and key are mapped back to the
 * app's logical bucket and key with the bucket bindings (prefix stripped);
 * objects no binding covers are skipped, as they are not this app's.
 * A malformed record (missing or mistyped fields, an invalid time) throws `InvalidArgument`.
 */
export function toStorageEvent(record: unknown, bindings: Readonly<Record<string, BucketBinding>>, raw: unknown): S3RecordResult {
  const r = objectField(record, 'S3 record');
  const eventName = stringField(r.eventName, 'S3 record eventName');
  const kind = storageKind(eventName);
  if (!kind) return { skipped: `event ${eventName} is not a create or delete` };
  const s3 = objectField(r.s3, 'S3 record s3');
  const object = objectField(s3.object, 'S3 record s3.object');
  const providerKey = decodeS3Key(stringField(object.key, 'S3 record s3.object.key'));
  const bucketName = stringField(objectField(s3.bucket, 'S3 record s3.bucket').name, 'S3 record s3.bucket.name');
  const time = timeField(r.eventTime, 'S3 record eventTime');
  const sequencer = stringField(object.sequencer, 'S3 record s3.object.sequencer', true);
  const size = sizeField(object.size, 'S3 record s3.object.size');
  const etag = stringField(object.eTag, 'S3 record s3.object.eTag', true) ?? '';
  const logical = resolveProviderObject(bindings, { scheme: 's3', bucket: bucketName, key: providerKey });
  if (!logical) return { skipped: `s3://${bucketName}/${providerKey} is not in a bucket this app binds` };
  // The sequencer orders events per key and is the same on redelivery: a stable event id.
  const id = `s3:${bucketName}/${providerKey}#${sequencer ?? time?.toISOString() ?? ''}:${kind}`;
  return {
    event: createStorageEvent({
      kind,
      bucket: logical.bucket,
      key: logical.key,
      size,
      etag: kind === 'created' ? etag : '',
      id,
      source: `arn:aws:s3:::${bucketName}`,
      ...(time ? { time } : {}),
      raw,
    }),
  };
}
