import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bucket as GcsApiBucket, CreateWriteStreamOptions, FileMetadata } from '@google-cloud/storage';
import type { BucketObject, BucketObjectStream, ErrorCode, ListPage, ObjectInfo } from '../../src/index.js';
import type { BucketDriver, DriverPutOptions } from '../../src/adapter.js';
import { PolyfaasError } from '../../src/index.js';
import { toPolyfaasError } from '../../src/adapter.js';
import { classifyGcsError } from './gcs-errors.js';

/** Bodies at least this big (and every stream) go up as resumable uploads; smaller ones as one multipart request. */
export const DEFAULT_RESUMABLE_THRESHOLD_BYTES = 8 * 1024 * 1024;

/**
 * A Cloud Storage bucket (optionally under a key prefix) as a polyfaas driver.
 * The object generation is the etag: it changes on every write and is exactly
 * what `ifGenerationMatch` compares, so `ifNoneMatch: '*'` becomes
 * `ifGenerationMatch: 0` and `ifMatch: etag` becomes `ifGenerationMatch: etag`,
 * both checked atomically by GCS.
 */
export class GcsDriver implements BucketDriver {
  constructor(
    readonly name: string,
    /** Resolves the SDK bucket on first use, so `@google-cloud/storage` loads only when GCS is really called. */
    private readonly bucket: () => Promise<GcsApiBucket>,
    private readonly prefix: string,
    private readonly resumableThresholdBytes = DEFAULT_RESUMABLE_THRESHOLD_BYTES,
  ) {}

  async head(key: string): Promise<ObjectInfo> {
    const [metadata] = await (await this.bucket()).file(this.prefix + key).getMetadata();
    return this.toInfo(metadata);
  }

  async get(key: string): Promise<BucketObject> {
    return this.pinned(key, async (info) => {
      const [body] = await (await this.bucket()).file(this.prefix + key, { generation: info.etag }).download();
      return { ...info, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
    });
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    return this.pinned(key, async (info) => {
      const source = (await this.bucket()).file(this.prefix + key, { generation: info.etag }).createReadStream();
      // Errors surface while the caller reads; give them codes like every other failure.
      const body = new PassThrough();
      pipeline(source, body).catch((err: unknown) => {
        body.destroy(toPolyfaasError(err, `${this.name}: getStream ${key} failed`, classifyGcsError));
      });
      return { ...info, body };
    });
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    const ifGenerationMatch = this.generationPrecondition(key, options);
    const file = (await this.bucket()).file(this.prefix + key);
    const writeOptions: CreateWriteStreamOptions = {
      resumable: !(body instanceof Uint8Array) || body.byteLength >= this.resumableThresholdBytes,
      contentType: options.contentType,
      metadata: { contentType: options.contentType, metadata: { ...options.metadata } },
      ...(ifGenerationMatch !== undefined ? { preconditionOpts: { ifGenerationMatch } } : {}),
    };
    if (body instanceof Uint8Array) {
      await file.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), writeOptions);
    } else {
      await pipeline(body, file.createWriteStream(writeOptions));
    }
    return this.toInfo(file.metadata);
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    const [files, next] = await (await this.bucket()).getFiles({
      prefix: this.prefix + options.prefix,
      maxResults: options.pageSize,
      autoPaginate: false,
      ...(options.cursor ? { pageToken: options.cursor } : {}),
    });
    const objects = files.map((f) => this.toInfo(f.metadata));
    const cursor = (next as { pageToken?: string } | null | undefined)?.pageToken;
    return cursor ? { objects, cursor } : { objects };
  }

  async delete(key: string): Promise<void> {
    await (await this.bucket()).file(this.prefix + key).delete({ ignoreNotFound: true });
  }

  classifyError(err: unknown): ErrorCode | undefined {
    return classifyGcsError(err);
  }

  /**
   * Read metadata, then the bytes of exactly that generation, so body and
   * metadata always belong together. If a writer replaced the object in
   * between, that generation is gone (404) and we read the new one.
   */
  private async pinned<T>(key: string, read: (info: ObjectInfo) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const info = await this.head(key);
      try {
        return await read(info);
      } catch (err) {
        if (classifyGcsError(err) !== 'NotFound' || attempt >= 3) throw err;
      }
    }
  }

  private generationPrecondition(key: string, options: DriverPutOptions): number | undefined {
    if (options.ifNoneMatch === '*') return 0;
    if (options.ifMatch === undefined) return undefined;
    // Etags here are generations; anything else can never match the current object.
    if (!/^[1-9]\d*$/.test(options.ifMatch)) throw new PolyfaasError('PreconditionFailed', `${key} does not have etag ${options.ifMatch}`);
    return Number(options.ifMatch);
  }

  private toInfo(metadata: FileMetadata): ObjectInfo {
    const name = metadata.name ?? '';
    const user: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata.metadata ?? {})) if (v !== null && v !== undefined) user[k] = String(v);
    return {
      key: name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name,
      size: Number(metadata.size ?? 0),
      etag: String(metadata.generation ?? ''),
      contentType: metadata.contentType ?? 'application/octet-stream',
      metadata: user,
      lastModified: new Date(metadata.updated ?? metadata.timeCreated ?? Date.now()),
    };
  }
}
