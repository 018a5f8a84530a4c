import { PassThrough, Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BucketObject, BucketObjectStream, ErrorCode, ListPage, ObjectInfo } from '../../../src/index.js';
import type { BucketDriver, DriverPutOptions } from '../../../src/adapter.js';
import { PolyfaasError, readAll } from '../../../src/index.js';
import { decodeCursor, encodeCursor } from '../../../src/adapter.js';
import { classifyAwsError, httpStatusOf } from './s3-errors.js';
import { loadS3Sdk } from './s3-sdk.js';

/** Streams bigger than this go up in parts; S3's minimum part is 5 MiB. */
export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

/** S3 wraps etags in quotes; polyfaas etags are the bare value, as S3 notifications report them. */
const bareEtag = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

/** The fields GetObject and HeadObject answers share, as an {@link ObjectInfo}. */
function objectInfo(
  key: string,
  out: { ContentLength?: number; ETag?: string; ContentType?: string; Metadata?: Record<string, string>; LastModified?: Date },
): ObjectInfo {
  return {
    key,
    size: out.ContentLength ?? 0,
    etag: bareEtag(out.ETag),
    contentType: out.ContentType ?? 'application/octet-stream',
    metadata: { ...(out.Metadata ?? {}) },
    lastModified: out.LastModified ?? new Date(0),
  };
}

/**
 * One S3 bucket (optionally under a key prefix) as a polyfaas driver. Keys the
 * app sees are relative to the prefix.
 */
export class S3Driver implements BucketDriver {
  constructor(
    readonly name: string,
    /** Resolves the client on first use, so the SDK loads only when S3 is really called. */
    private readonly client: () => Promise<S3Client>,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<BucketObject> {
    const { body, ...info } = await this.getStream(key);
    // S3 announced the length: read into one buffer of that size, and notice a cut transfer.
    return { ...info, body: await readAll(body, Infinity, info.size) };
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    const { s3 } = await loadS3Sdk();
    const client = await this.client();
    const out = await this.notFoundAware(key, () => client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.full(key) })));
    const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
    return { ...objectInfo(key, out), body };
  }

  async head(key: string): Promise<ObjectInfo> {
    const { s3 } = await loadS3Sdk();
    const client = await this.client();
    const out = await this.notFoundAware(key, () => client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.full(key) })));
    return objectInfo(key, out);
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    const params = {
      Bucket: this.bucket,
      Key: this.full(key),
      ContentType: options.contentType,
      Metadata: options.metadata,
      ...(options.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      ...(options.ifMatch !== undefined ? { IfMatch: `"${options.ifMatch}"` } : {}),
    };
    const { s3, storage } = await loadS3Sdk();
    const client = await this.client();
    let size = 0;
    let etag: string | undefined;
    try {
      if (body instanceof Uint8Array) {
        size = body.byteLength;
        etag = (await client.send(new s3.PutObjectCommand({ ...params, Body: body, ContentLength: size }))).ETag;
      } else {
        // Count bytes on the way through, so a stream of unknown length is never buffered whole.
        const counted = new PassThrough();
        counted.on('data', (chunk: Uint8Array) => (size += chunk.byteLength));
        body.on('error', (err) => counted.destroy(err));
        body.pipe(counted);
        const upload = new storage.Upload({ client, params: { ...params, Body: counted }, partSize: MULTIPART_PART_BYTES, queueSize: 4, leavePartsOnError: false });
        etag = (await upload.done()).ETag;
      }
    } catch (err) {
      // S3 answers If-Match on a missing key with 404; the contract says the precondition failed.
      if (options.ifMatch !== undefined && httpStatusOf(err) === 404) {
        throw new PolyfaasError('PreconditionFailed', `${key} does not exist, so it cannot match etag ${options.ifMatch}`, { cause: err });
      }
      throw err;
    }
    return { key, size, etag: bareEtag(etag), contentType: options.contentType, metadata: { ...options.metadata }, lastModified: new Date() };
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    const { s3 } = await loadS3Sdk();
    const client = await this.client();
    const out = await client.send(
      new s3.ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: this.full(options.prefix),
        MaxKeys: options.pageSize,
        ...(options.cursor ? { StartAfter: this.full(decodeCursor(options.cursor)) } : {}),
      }),
    );
    const objects: ObjectInfo[] = (out.Contents ?? []).map((o) => ({
      key: (o.Key ?? '').slice(this.prefix.length),
      size: o.Size ?? 0,
      etag: bareEtag(o.ETag),
      // Listings carry neither; head() has them. Documented on S3Bucket.
      contentType: 'application/octet-stream',
      metadata: {},
      lastModified: o.LastModified ?? new Date(0),
    }));
    const last = objects[objects.length - 1];
    return out.IsTruncated && last ? { objects, cursor: encodeCursor(last.key) } : { objects };
  }

  async delete(key: string): Promise<void> {
    const { s3 } = await loadS3Sdk();
    const client = await this.client();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.full(key) }));
  }

  classifyError(err: unknown): ErrorCode | undefined {
    return classifyAwsError(err);
  }

  private full(key: string): string {
    return this.prefix + key;
  }

  private async notFoundAware<T>(key: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (classifyAwsError(err) === 'NotFound') throw new PolyfaasError('NotFound', `${this.name}: no object ${key}`, { cause: err });
      throw err;
    }
  }
}
