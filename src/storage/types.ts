import type { Readable } from 'node:stream';
import type { ErrorCode } from '../errors.js';

/** What a bucket knows about one object. */
export interface ObjectInfo {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Opaque version tag; changes on every write. Use it with `ifMatch`. */
  readonly etag: string;
  readonly contentType: string;
  /** User metadata; keys are lower-case. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: Date;
}

/** An object read whole into memory. */
export interface BucketObject extends ObjectInfo {
  readonly body: Uint8Array;
}

/** An object opened for streaming; the caller must consume or destroy `body`. */
export interface BucketObjectStream extends ObjectInfo {
  readonly body: Readable;
}

/** Anything `put` accepts as a body. Streams are never buffered whole by file or cloud drivers. */
export type PutBody = Uint8Array | string | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Options for `put`. */
export interface PutOptions {
  /** Defaults to `application/octet-stream`. */
  contentType?: string;
  /** User metadata. Keys must be lower-case ASCII letters, digits and `-`. */
  metadata?: Record<string, string>;
  /** `'*'`: write only if no object exists at the key, else `PreconditionFailed`. */
  ifNoneMatch?: '*';
  /** Write only if the current object's etag equals this, else `PreconditionFailed` (compare-and-swap). */
  ifMatch?: string;
}

/** Options for listing. */
export interface ListOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** Maximum objects per page (the driver may return fewer). Default 1000. */
  pageSize?: number;
}

/** Options for fetching one page of a listing. */
export interface ListPageOptions extends ListOptions {
  /** The `cursor` of the previous page. */
  cursor?: string;
}

/** One page of a listing, in lexicographic key order. */
export interface ListPage {
  readonly objects: readonly ObjectInfo[];
  /** Pass to the next call; absent on the last page. */
  readonly cursor?: string;
}

/**
 * Called by {@link Bucket.getFilling} as an object's body fills: `object` is
 * the object being read (its `body` already the final buffer, of `size`
 * bytes), of which the first `filled` bytes are in. Called at least once, in
 * order, the last time with `filled === object.size`. The callback may
 * overwrite bytes below `filled` (the body is the caller's); the bucket only
 * writes above it. An error it throws (or a promise it returns rejecting)
 * fails the read with that error.
 */
export type FillingReader = (object: BucketObject, filled: number) => void | Promise<void>;

/**
 * A bucket of objects: the one storage interface pipelines see.
 *
 * Every implementation sits behind the portable wrapper ({@link createBucket}), so
 * key validation, error codes and defaults are the same on every provider.
 *
 * @example
 * ```ts
 * const bucket = await openBucket('file:///tmp/data');
 * await bucket.put('images/1.png', bytes, { contentType: 'image/png' });
 * for await (const obj of bucket.list({ prefix: 'images/' })) console.log(obj.key, obj.size);
 * ```
 */
export interface Bucket {
  /** A human-readable name, e.g. the URL it was opened from. */
  readonly name: string;
  /**
   * Read a whole object. `NotFound` if absent. The body is the caller's: the
   * bucket keeps no reference to it, so the caller may overwrite it
   * (`encryptedBucket` decrypts in place).
   */
  get(key: string): Promise<BucketObject>;
  /**
   * Present on buckets whose whole read is local (a file, memory) and beats
   * consuming `getStream`. Reads the object as `get` does, into one buffer,
   * and calls `onBytes` each time more of it is in, the next read already
   * under way: a wrapper that works on a body front to back
   * (`encryptedBucket`) works on the first bytes while the rest is read,
   * instead of after. See {@link FillingReader}.
   */
  readonly getFilling?: (key: string, onBytes: FillingReader) => Promise<BucketObject>;
  /**
   * True when `put` of a stream behaves as `put` of the same bytes whole (one
   * atomic write, the same etag and conditions, no multipart) and writes each
   * chunk as it arrives: a wrapper that produces the body chunk by chunk
   * (`encryptedBucket`) then streams it, so its work overlaps the write.
   */
  readonly streamedPutsOverlap?: boolean;
  /** Open an object as a stream. `NotFound` if absent. */
  getStream(key: string): Promise<BucketObjectStream>;
  /** Write an object atomically: readers see the old or the new object, never a mix. */
  put(key: string, body: PutBody, options?: PutOptions): Promise<ObjectInfo>;
  /** Object metadata without the body. `NotFound` if absent. */
  head(key: string): Promise<ObjectInfo>;
  /** True if the object exists. */
  exists(key: string): Promise<boolean>;
  /** Every object under a prefix, fetched page by page as you iterate. */
  list(options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** One page of a listing, for callers that paginate themselves. */
  listPage(options?: ListPageOptions): Promise<ListPage>;
  /** Delete an object. Deleting a missing object succeeds (idempotent). */
  delete(key: string): Promise<void>;
}

/**
 * The small interface a storage provider implements. Keys arrive already
 * validated and bodies already normalised; the portable wrapper does the rest.
 *
 * Drivers throw `PolyfaasError` for conditions they detect themselves
 * (`NotFound`, `PreconditionFailed`) and may throw provider errors otherwise;
 * `classifyError` maps those to codes.
 */
export interface BucketDriver {
  readonly name: string;
  get(key: string): Promise<BucketObject>;
  getStream(key: string): Promise<BucketObjectStream>;
  /** Optional: see {@link Bucket.getFilling}. */
  getFilling?(key: string, onBytes: FillingReader): Promise<BucketObject>;
  put(key: string, body: Uint8Array | Readable, options: DriverPutOptions): Promise<ObjectInfo>;
  head(key: string): Promise<ObjectInfo>;
  listPage(options: Required<Pick<ListPageOptions, 'prefix' | 'pageSize'>> & { cursor?: string }): Promise<ListPage>;
  delete(key: string): Promise<void>;
  /** Map a provider error to a code (`undefined` → `Internal`). */
  classifyError?(err: unknown): ErrorCode | undefined;
}

/** `put` options after the wrapper applied defaults. */
export interface DriverPutOptions {
  contentType: string;
  metadata: Record<string, string>;
  ifNoneMatch?: '*';
  ifMatch?: string;
}
