import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3Bucket, parseS3Url } from './s3-bucket.js';

/*
 * Request parameters and error mapping pinned with aws-sdk-client-mock. The
 * conditional writes are also run for real in s3-bucket.conformance.test.ts
 * (s3rver itself ignores conditional headers; test/aws/conditional-proxy.ts
 * adds S3's behaviour in front of it) — these tests pin what S3 itself answers.
 */
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const awsError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

const bucket = () => new S3Bucket('s3://my-bucket/app/data', { client: new S3Client({ region: 'us-east-1' }) });

describe('S3Bucket requests', () => {
  it('parses s3:// URLs into bucket and prefix', () => {
    expect(parseS3Url('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Url('s3://b/x/y')).toEqual({ bucket: 'b', prefix: 'x/y/' });
    expect(parseS3Url('s3://b/x/?endpoint=http://localhost:1')).toEqual({ bucket: 'b', prefix: 'x/' });
    expect(() => parseS3Url('gs://b')).toThrow(/s3:\/\//);
  });

  it('writes under the prefix with content type, metadata and IfNoneMatch', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"abc"' });
    const info = await bucket().put('k.json', '{}', { contentType: 'application/json', metadata: { run: '1' }, ifNoneMatch: '*' });
    expect(info).toMatchObject({ key: 'k.json', etag: 'abc', size: 2 });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'my-bucket',
      Key: 'app/data/k.json',
      ContentType: 'application/json',
      Metadata: { run: '1' },
      IfNoneMatch: '*',
    });
  });

  it('sends IfMatch as a quoted etag', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"v2"' });
    await bucket().put('k', 'x', { ifMatch: 'v1' });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.IfMatch).toBe('"v1"');
  });

  it.each([
    ['PreconditionFailed', 412],
    ['ConditionalRequestConflict', 409],
  ])('maps %s (%i) on a conditional write to PreconditionFailed', async (name, status) => {
    s3.on(PutObjectCommand).rejects(awsError(name, status));
    await expect(bucket().put('k', 'x', { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('maps IfMatch on a missing key (S3 answers 404) to PreconditionFailed', async () => {
    s3.on(PutObjectCommand).rejects(awsError('NoSuchKey', 404));
    await expect(bucket().put('k', 'x', { ifMatch: 'v1' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('maps NoSuchKey to NotFound, AccessDenied to Forbidden, SlowDown to ResourceExhausted, 503 to Unavailable', async () => {
    s3.on(GetObjectCommand).rejectsOnce(awsError('NoSuchKey', 404)).rejectsOnce(awsError('AccessDenied', 403)).rejectsOnce(awsError('SlowDown', 503)).rejectsOnce(awsError('ServiceUnavailable', 503));
    await expect(bucket().get('k')).rejects.toMatchObject({ code: 'NotFound' });
    await expect(bucket().get('k')).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(bucket().get('k')).rejects.toMatchObject({ code: 'ResourceExhausted' });
    await expect(bucket().get('k')).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('uploads large streams in parts, with the condition on the completion', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCommand).resolves({ ETag: '"part"' });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-2"' });
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from((function* () { for (let i = 0; i < 17; i++) yield chunk; })());
    const info = await bucket().put('big.bin', body, { ifNoneMatch: '*' });
    expect(info).toMatchObject({ size: 17 * chunk.byteLength, etag: 'whole-2' });
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(3);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input).toMatchObject({ Key: 'app/data/big.bin', IfNoneMatch: '*' });
  });

  it('lists relative to the prefix and pages with StartAfter', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: true, Contents: [{ Key: 'app/data/a/1', Size: 1, ETag: '"e1"' }] });
    const page = await bucket().listPage({ prefix: 'a/', pageSize: 1 });
    expect(page.objects.map((o) => [o.key, o.etag])).toEqual([['a/1', 'e1']]);
    await bucket().listPage({ prefix: 'a/', pageSize: 1, cursor: page.cursor as string });
    expect(s3.commandCalls(ListObjectsV2Command)[1]?.args[0].input).toMatchObject({ Prefix: 'app/data/a/', MaxKeys: 1, StartAfter: 'app/data/a/1' });
  });
});
