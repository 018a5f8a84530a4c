import { Readable, Transform } from 'node:stream';
import type { BlobItem, BlobUploadCommonResponse, ContainerClient } from '@azure/storage-blob';
import type { BucketObject, BucketObjectStream, ErrorCode, ListPage, ObjectInfo } from '../../src/index.js';
import type { BucketDriver, DriverPutOptions } from '../../src/adapter.js';
import { PolyfaasError, readAll } from '../../src/index.js';
import { decodeCursor, encodeCursor } from '../../src/adapter.js';
import { azureStatus, classifyAzureError } from './blob-errors.js';
import { decodeMetadata, encodeMetadata } from './blob-metadata.js';

/** Block size for streamed uploads; with 4 in flight a stream never holds more than 32 MiB. */
const STREAM_BLOCK_BYTES = 8 * 1024 * 1024;
const STREAM_CONCURRENCY = 4;

/**
 * Blob Storage driver: one container, an optional name prefix. Writes are
 * single Put Blob calls (or staged blocks committed with one Put Block List for
 * large bodies and streams), so readers never see a partial object, and
 * conditional headers make `ifNoneMatch`/`ifMatch` atomic on the service.
 */
export class AzureBlobDriver implements BucketDriver {
  constructor(
    readonly name: string,
    /** Resolves the SDK container client on first use, so `@azure/storage-blob` loads only when Blob Storage is really called. */
    private readonly container: () => Promise<ContainerClient>,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<BucketObject> {
    const { info, body } = await this.download(key);
    return { ...info, body: await readAll(body) };
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    return this.download(key).then(({ info, body }) => ({ ...info, body }));
  }

  async head(key: string): Promise<ObjectInfo> {
    const props = await (await this.blob(key)).getProperties();
    return {
      key,
      size: props.contentLength ?? 0,
      etag: props.etag ?? '',
      contentType: props.contentType ?? 'application/octet-stream',
      metadata: decodeMetadata(props.metadata),
      lastModified: props.lastModified ?? new Date(0),
    };
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    const blob = await this.blob(key);
    const common = {
      blobHTTPHeaders: { blobContentType: options.contentType },
      metadata: encodeMetadata(options.metadata),
      conditions: {
        ...(options.ifNoneMatch ? { ifNoneMatch: '*' } : {}),
        ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
      },
    };
    let size = 0;
    let response: BlobUploadCommonResponse;
    try {
      if (body instanceof Uint8Array) {
        size = body.byteLength;
        // uploadData switches to staged blocks above 256 MiB; the commit carries the conditions.
        response = await blob.uploadData(body, common);
      } else {
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.byteLength;
            done(null, chunk);
          },
        });
        body.once('error', (err) => counter.destroy(err));
        response = await blob.uploadStream(body.pipe(counter), STREAM_BLOCK_BYTES, STREAM_CONCURRENCY, common);
      }
    } catch (err) {
      throw this.conditionalFailure(key, err, options) ?? err;
    }
    return {
      key,
      size,
      etag: response.etag ?? '',
      contentType: options.contentType,
      metadata: { ...options.metadata },
      lastModified: response.lastModified ?? new Date(),
    };
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    const pages = (await this.container())
      .listBlobsFlat({ prefix: this.prefix + options.prefix, includeMetadata: true })
      .byPage({ maxPageSize: options.pageSize, ...(options.cursor ? { continuationToken: decodeCursor(options.cursor) } : {}) });
    const { value } = await pages.next();
    const page = value as { segment: { blobItems: BlobItem[] }; continuationToken?: string } | undefined;
    const objects = (page?.segment.blobItems ?? []).map((item) => this.toInfo(item));
    const next = page?.continuationToken;
    return next ? { objects, cursor: encodeCursor(next) } : { objects };
  }

  async delete(key: string): Promise<void> {
    await (await this.blob(key)).deleteIfExists();
  }

  classifyError(err: unknown): ErrorCode | undefined {
    return classifyAzureError(err);
  }

  private async blob(key: string) {
    return (await this.container()).getBlockBlobClient(this.prefix + key);
  }

  private async download(key: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const res = await (await this.blob(key)).download();
    const stream = res.readableStreamBody;
    const body = stream instanceof Readable ? stream : stream ? Readable.from(stream as AsyncIterable<Uint8Array>) : Readable.from([]);
    return {
      info: {
        key,
        size: res.contentLength ?? 0,
        etag: res.etag ?? '',
        contentType: res.contentType ?? 'application/octet-stream',
        metadata: decodeMetadata(res.metadata),
        lastModified: res.lastModified ?? new Date(0),
      },
      body,
    };
  }

  private toInfo(item: BlobItem): ObjectInfo {
    return {
      key: item.name.slice(this.prefix.length),
      size: item.properties.contentLength ?? 0,
      etag: item.properties.etag ?? '',
      contentType: item.properties.contentType ?? 'application/octet-stream',
      metadata: decodeMetadata(item.metadata),
      lastModified: item.properties.lastModified,
    };
  }

  /**
   * A lost conditional write: 409 `BlobAlreadyExists` for `ifNoneMatch: '*'`,
   * 412 `ConditionNotMet` for a stale `ifMatch`, and 404 for `ifMatch` on a
   * blob that does not exist (nothing can match).
   */
  private conditionalFailure(key: string, err: unknown, options: DriverPutOptions): PolyfaasError | undefined {
    const status = azureStatus(err);
    if (options.ifNoneMatch && (status === 409 || status === 412)) {
      return new PolyfaasError('PreconditionFailed', `${this.name}: ${key} already exists`, { cause: err });
    }
    if (options.ifMatch !== undefined && (status === 412 || status === 409 || status === 404)) {
      return new PolyfaasError('PreconditionFailed', `${this.name}: ${key} does not have etag ${options.ifMatch}`, { cause: err });
    }
    return undefined;
  }
}
