import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ObjectInfo } from '../../src/index.js';
import { s3EncodeKey } from './lambda-harness.js';

/**
 * S3's own `ObjectCreated:Put` notification (the published example event in
 * test/fixtures/events/aws/s3-put.json) pointed at one object of `bucket`,
 * as Lambda receives it: key URL-encoded, size and ETag from `head`.
 */
export async function s3PutEvent(bucket: string, key: string, head: Pick<ObjectInfo, 'size' | 'etag'>): Promise<unknown> {
  const file = resolve(import.meta.dirname, '../fixtures/events/aws/s3-put.json');
  const event = JSON.parse(await readFile(file, 'utf8')) as {
    Records: { eventTime: string; s3: { bucket: { name: string; arn: string }; object: Record<string, unknown> } }[];
  };
  const record = event.Records[0] as (typeof event.Records)[number];
  record.eventTime = new Date().toISOString();
  record.s3.bucket = { ...record.s3.bucket, name: bucket, arn: `arn:aws:s3:::${bucket}` };
  record.s3.object = { key: s3EncodeKey(key), size: head.size, eTag: head.etag, sequencer: '0065A1B2C3D4E5F601' };
  return event;
}
