import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BucketObject, BucketObjectStream, ListPage, ObjectInfo } from '../../src/index.js';
import type { BucketDriver, DriverPutOptions, FillingReader } from '../../src/adapter.js';
import { PolyfaasError, readAll } from '../../src/index.js';
import { decodeCursor, encodeCursor } from '../../src/adapter.js';


interface Stored {
  body: Uint8Array;
  info: ObjectInfo;
}

/** Objects in a Map. Conditional writes check and set in one synchronous step, so they are atomic. */
export class MemoryDriver implements BucketDriver {
  private readonly objects = new Map<string, Stored>();
  /** Keys in order, rebuilt only after a key is added or removed, so paging a big bucket is not O(n log n) per page. */
  private sorted: string[] | undefined;

  constructor(readonly name: string) {}

  async get(key: string): Promise<BucketObject> {
    const stored = this.find(key);
    return { ...stored.info, body: copyOf(stored.body) };
  }

  /** `get` is one copy in memory, so the whole body is in at the first call (see `Bucket.getFilling`). */
  async getFilling(key: string, onBytes: FillingReader): Promise<BucketObject> {
    const object = await this.get(key);
    await onBytes(object, object.size);
    return object;
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    const stored = this.find(key);
    return { ...stored.info, body: Readable.from([Buffer.from(stored.body)]) };
  }

  async head(key: string): Promise<ObjectInfo> {
    return this.find(key).info;
  }

  async put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo> {
    const bytes = body instanceof Uint8Array ? copyOf(body) : await readAll(body);
    const current = this.objects.get(key);
    if (options.ifNoneMatch === '*' && current) throw new PolyfaasError('PreconditionFailed', `${key} already exists`);
    if (options.ifMatch !== undefined && current?.info.etag !== options.ifMatch) {
      throw new PolyfaasError('PreconditionFailed', `${key} does not have etag ${options.ifMatch}`);
    }
    const info: ObjectInfo = {
      key,
      size: bytes.byteLength,
      etag: createHash('md5').update(bytes).update(String(process.hrtime.bigint())).digest('hex'),
      contentType: options.contentType,
      metadata: { ...options.metadata },
      lastModified: new Date(),
    };
    if (!current) this.sorted = undefined;
    this.objects.set(key, { body: bytes, info });
    return info;
  }

  async listPage(options: { prefix: string; pageSize: number; cursor?: string }): Promise<ListPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : '';
    const sorted = (this.sorted ??= [...this.objects.keys()].sort());
    const start = Math.max(after ? upperBound(sorted, after) : 0, upperBound(sorted, options.prefix) - (this.objects.has(options.prefix) ? 1 : 0));
    const page: string[] = [];
    let i = start;
    for (; i < sorted.length && page.length < options.pageSize; i++) {
      const key = sorted[i] as string;
      if (!key.startsWith(options.prefix)) break;
      page.push(key);
    }
    const objects = page.map((k) => (this.objects.get(k) as Stored).info);
    const more = i < sorted.length && (sorted[i] as string).startsWith(options.prefix);
    const last = page[page.length - 1];
    return more && last !== undefined ? { objects, cursor: encodeCursor(last) } : { objects };
  }

  async delete(key: string): Promise<void> {
    if (this.objects.delete(key)) this.sorted = undefined;
  }

  private find(key: string): Stored {
    const stored = this.objects.get(key);
    if (!stored) throw new PolyfaasError('NotFound', `${this.name}: no object ${key}`);
    return stored;
  }
}

/** Index of the first element greater than `value` (binary search). */
function upperBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A copy, of the same class. Not `bytes.slice()`: on a Buffer that is a view
 * (Buffer overrides `slice`), so the stored object would share memory with
 * the caller's.
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}
