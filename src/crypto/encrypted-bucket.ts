import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream';
import { PolyfaasError, toPolyfaasError } from '../errors.js';
import { normaliseBody } from '../storage/body.js';
import { validateKey } from '../storage/keys.js';
import type { Bucket, BucketObject, BucketObjectStream, ListOptions, ListPage, ListPageOptions, ObjectInfo, PutBody, PutOptions } from '../storage/types.js';
import type { DataKeyCacheOptions } from './data-key-cache.js';
import { DataKeys } from './data-key-cache.js';
import type { EnvelopeHeader } from './envelope-header.js';
import { decodeHeader, encodeHeader, FORMAT_VERSION, NONCE_PREFIX_BYTES, SALT_BYTES } from './envelope-header.js';
import type { KeyEncryptionKey, Keyring, WrapContext } from './key-encryption-key.js';
import { asKeyring } from './key-encryption-key.js';
import type { SegmentKey } from './segment-stream.js';
import { InPlaceOpener, OpenStream, openStreamInPlace, SealedChunks, SealStream, sealBytes } from './segment-stream.js';
import { objectKey, plaintextSize } from './segments.js';

/** The metadata entry holding an object's envelope header (base64url). Callers cannot set it. */
export const ENVELOPE_METADATA_KEY = 'polyfaas-envelope';

/** Whole bodies above this are sealed as a stream over buckets with `streamedPutsOverlap` (below it, one chunk: nothing to overlap). */
const STREAMED_PUT_BYTES = 1024 * 1024;

/** Options for {@link encryptedBucket}. */
export interface EncryptedBucketOptions {
  /**
   * The name bound into every object (with its key) and into every wrapped data
   * key. Default: the wrapped bucket's `name` (its URL, e.g. `s3://data/fashion/`).
   * Set it to keep objects readable when the same data is reached under another
   * name (a moved directory, another endpoint); objects copied between two
   * buckets with different names do not decrypt, by design.
   */
  boundName?: string;
  /** Reuse data keys within bounds, trading isolation for fewer key-service calls. Default: off. */
  dataKeyCache?: DataKeyCacheOptions;
}

/**
 * Envelope encryption at rest in front of any bucket.
 *
 * Each object gets a random 256-bit data key (or a cached one, see
 * {@link EncryptedBucketOptions.dataKeyCache}), wrapped by the keyring's current
 * key-encryption key: one key-service call per write. The body is sealed with
 * AES-256-GCM in 64 KiB segments, so any size streams in bounded memory and a
 * flipped byte, a dropped, reordered or appended segment, or a cut-short object
 * fails with `DataLoss`. The bucket name and the object key are bound into the
 * object's key derivation, so a copy under another key does not decrypt.
 *
 * Stored: the ciphertext (16 bytes more per 64 KiB segment) as the object body,
 * and the envelope header (27 bytes + key id + wrapped key, see
 * {@link EnvelopeHeader}) base64url in the metadata entry
 * {@link ENVELOPE_METADATA_KEY}. Content type and the rest of the metadata are
 * stored as given: neither encrypted nor authenticated.
 *
 * Everything else keeps its meaning: `etag` is the stored object's, so
 * `ifMatch` / `ifNoneMatch` pass through unchanged; `size` in `put`, `get`,
 * `head` and `list` is the plaintext size (computed from the stored size, so
 * listing costs no extra request). An object not written through an encrypted
 * bucket is refused with `DataLoss` by `get`, `getStream` and `head`.
 *
 * @example
 * ```ts
 * const bucket = encryptedBucket(new FileBucket('/var/data'), keyring(localKeyFromEnv()));
 * await bucket.put('raw/a.png', png);             // stored encrypted
 * const { body } = await bucket.get('raw/a.png'); // decrypted and verified
 * ```
 */
export function encryptedBucket(bucket: Bucket, keys: Keyring | KeyEncryptionKey, options: EncryptedBucketOptions = {}): EncryptedBucket {
  return new EncryptedBucket(bucket, asKeyring(keys), options);
}

/** The bucket {@link encryptedBucket} returns; also re-wraps data keys ({@link EncryptedBucket.rewrapObject}). */
export class EncryptedBucket implements Bucket {
  readonly name: string;
  /** The name bound into objects and wrapped keys. */
  readonly boundName: string;
  private readonly context: WrapContext;
  private readonly dataKeys: DataKeys;

  constructor(
    /** The bucket holding the ciphertext. */
    readonly inner: Bucket,
    /** The keys that wrap (current) and unwrap (all) data keys. */
    readonly keys: Keyring,
    options: EncryptedBucketOptions = {},
  ) {
    this.name = inner.name;
    this.boundName = options.boundName ?? inner.name;
    this.context = { purpose: 'polyfaas-data-key', bucket: this.boundName };
    if (options.dataKeyCache) checkCache(options.dataKeyCache);
    this.dataKeys = new DataKeys(keys, this.context, options.dataKeyCache);
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    if (options.metadata && ENVELOPE_METADATA_KEY in options.metadata) {
      throw new PolyfaasError('InvalidArgument', `Metadata key ${ENVELOPE_METADATA_KEY} is reserved for the encryption header`);
    }
    const source = normaliseBody(body);
    let dataKey;
    try {
      dataKey = await this.dataKeys.forWrite();
    } catch (err) {
      if (!(source instanceof Uint8Array)) source.destroy();
      throw keyServiceError(err, `${this.name}: put ${key}: wrapping a data key failed`);
    }
    // One call to the random source for both public per-object values.
    const random = randomBytes(SALT_BYTES + NONCE_PREFIX_BYTES);
    const header: EnvelopeHeader = {
      version: FORMAT_VERSION,
      salt: random.subarray(0, SALT_BYTES),
      noncePrefix: random.subarray(SALT_BYTES),
      keyId: dataKey.keyId,
      wrappedKey: dataKey.wrapped,
    };
    const k: SegmentKey = { key: objectKey(dataKey.plaintext, header.salt, this.boundName, key), noncePrefix: header.noncePrefix };
    const metadata = { ...(options.metadata ?? {}), [ENVELOPE_METADATA_KEY]: encodeHeader(header).toString('base64url') };
    if (source instanceof Uint8Array) {
      // Over a bucket that writes streams as they come, sealing overlaps the write; elsewhere one sealed buffer, one request.
      const sealed = this.inner.streamedPutsOverlap && source.byteLength > STREAMED_PUT_BYTES ? new SealedChunks(k, source) : sealBytes(k, source);
      const info = await this.inner.put(key, sealed, { ...options, metadata });
      return this.plain(info, source.byteLength);
    }
    const seal = new SealStream(k);
    // Errors flow both ways: a failing source fails the upload, an abandoned upload stops the source.
    pipeline(source, seal, () => {});
    const info = await this.inner.put(key, seal, { ...options, metadata });
    return this.plain(info, seal.plaintextBytes);
  }

  async get(key: string): Promise<BucketObject> {
    if (this.inner.getFilling) return this.openWhileFilling(this.inner.getFilling, key);
    // Segments are opened as they arrive, while the store sends the rest, instead of after the whole transfer.
    const stored = await this.inner.getStream(key);
    let k: SegmentKey;
    try {
      k = await this.segmentKey(key, stored);
    } catch (err) {
      stored.body.destroy();
      throw err;
    }
    const body = await openStreamInPlace(k, stored.body, stored.size).catch((err: unknown) => {
      stored.body.destroy();
      throw err;
    });
    return { ...this.plain(stored, body.byteLength), body };
  }

  /**
   * A local whole read, each segment opened in place as soon as the read is
   * past it, while the bucket reads the next bytes: the data key is unwrapped
   * during the first read, the last segment is all that is left at the end.
   */
  private async openWhileFilling(getFilling: NonNullable<Bucket['getFilling']>, key: string): Promise<BucketObject> {
    let opening: Promise<InPlaceOpener> | undefined;
    const stored = await getFilling(key, async (object, filled) => {
      opening ??= this.segmentKey(key, object).then((k) => new InPlaceOpener(k, object.size, object.body));
      (await opening).received(filled);
    });
    if (!opening) throw new PolyfaasError('Internal', `${this.name}: get ${key}: the bucket's getFilling returned without calling back`);
    const body = (await opening).finish();
    return { ...this.plain(stored, body.byteLength), body };
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    const stored = await this.inner.getStream(key);
    let k: SegmentKey;
    let size: number;
    try {
      size = storedPlaintextSize(key, stored.size);
      k = await this.segmentKey(key, stored);
    } catch (err) {
      stored.body.destroy();
      throw err;
    }
    const open = new OpenStream(k);
    pipeline(stored.body, open, () => {});
    return { ...this.plain(stored, size), body: open };
  }

  async head(key: string): Promise<ObjectInfo> {
    const stored = await this.inner.head(key);
    readHeader(key, stored);
    return this.plain(stored, storedPlaintextSize(key, stored.size));
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    const page = await this.inner.listPage(options);
    return { ...page, objects: page.objects.map((o) => this.listed(o)) };
  }

  async *list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    for await (const o of this.inner.list(options)) yield this.listed(o);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  /**
   * Re-wrap one object's data key with the keyring's current key, without
   * decrypting or rewriting its segments: one unwrap and one wrap call, and the
   * stored bytes streamed back unchanged with a new header (a compare-and-swap
   * on the etag, so a concurrent write wins and this answers `PreconditionFailed`).
   *
   * @returns false when the object already uses the current key (nothing written).
   */
  async rewrapObject(key: string): Promise<boolean> {
    const stored = await this.inner.getStream(key);
    try {
      const header = readHeader(key, stored);
      const current = this.keys.current;
      if (header.keyId === current.id) {
        stored.body.destroy();
        return false;
      }
      const dataKey = await this.unwrap(key, header);
      let wrapped: Uint8Array;
      try {
        wrapped = await current.wrap(dataKey, this.context);
      } catch (err) {
        throw keyServiceError(err, `${this.name}: rewrap ${key}: wrapping with ${current.id} failed`);
      }
      const metadata = { ...stored.metadata, [ENVELOPE_METADATA_KEY]: encodeHeader({ ...header, keyId: current.id, wrappedKey: wrapped }).toString('base64url') };
      await this.inner.put(key, stored.body, { contentType: stored.contentType, metadata, ifMatch: stored.etag });
      return true;
    } catch (err) {
      stored.body.destroy();
      throw err;
    }
  }

  private async segmentKey(key: string, stored: ObjectInfo): Promise<SegmentKey> {
    const header = readHeader(key, stored);
    const dataKey = await this.unwrap(key, header);
    return { key: objectKey(dataKey, header.salt, this.boundName, key), noncePrefix: header.noncePrefix };
  }

  private unwrap(key: string, header: EnvelopeHeader): Promise<Uint8Array> {
    const kek = this.keys.find(header.keyId);
    if (!kek) {
      return Promise.reject(new PolyfaasError('Forbidden', `${this.name}: ${key} is encrypted with key ${JSON.stringify(header.keyId)}, which is not in the keyring`));
    }
    return this.dataKeys.forRead(header.keyId, header.wrappedKey, () =>
      kek.unwrap(header.wrappedKey, this.context).catch((err: unknown) => {
        throw keyServiceError(err, `${this.name}: ${key}: unwrapping its data key with ${kek.id} failed`);
      }),
    );
  }

  /** Stored info as the caller sees it: plaintext size, metadata without the header. */
  private plain<T extends ObjectInfo>(info: T, size: number): T {
    // Copied without the header rather than copied and `delete`d: delete turns the object into a slow dictionary.
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(info.metadata)) if (name !== ENVELOPE_METADATA_KEY) metadata[name] = value;
    return { ...info, size, metadata };
  }

  private listed(info: ObjectInfo): ObjectInfo {
    // Listings carry no header on every provider; the size alone tells the plaintext size. A size no plaintext
    // seals to (a damaged or foreign object) is listed as stored; reading it fails with DataLoss.
    return this.plain(info, plaintextSize(info.size) ?? info.size);
  }
}

/**
 * Re-wrap the data keys of every object under a prefix with the keyring's
 * current key (after a key rotation), leaving every payload as it is stored.
 *
 * @example
 * ```ts
 * const bucket = encryptedBucket(raw, keyring(newKey, oldKey));
 * const { rewrapped } = await rewrap(bucket, { prefix: 'models/' });
 * // now keyring(newKey) alone reads everything under models/
 * ```
 */
export async function rewrap(bucket: EncryptedBucket, options: { prefix?: string } = {}): Promise<{ rewrapped: number; unchanged: number }> {
  let rewrapped = 0;
  let unchanged = 0;
  for await (const object of bucket.inner.list(options.prefix === undefined ? {} : { prefix: options.prefix })) {
    if (await bucket.rewrapObject(object.key)) rewrapped++;
    else unchanged++;
  }
  return { rewrapped, unchanged };
}

function readHeader(key: string, info: ObjectInfo): EnvelopeHeader {
  const encoded = info.metadata[ENVELOPE_METADATA_KEY];
  if (!encoded) throw new PolyfaasError('DataLoss', `${key} has no encryption header: it was not written through an encrypted bucket`);
  return decodeHeader(Buffer.from(encoded, 'base64url'));
}

function storedPlaintextSize(key: string, stored: number): number {
  const size = plaintextSize(stored);
  if (size === undefined) throw new PolyfaasError('DataLoss', `${key} has an impossible encrypted size (${stored} bytes): cut short or padded`);
  return size;
}

function keyServiceError(err: unknown, message: string): PolyfaasError {
  return toPolyfaasError(err, message);
}

function checkCache(cache: DataKeyCacheOptions): void {
  const ok = (n: number) => Number.isFinite(n) && n > 0;
  if (!ok(cache.maxAgeMs) || !ok(cache.maxUses) || !Number.isInteger(cache.maxUses)) {
    throw new PolyfaasError('InvalidArgument', 'dataKeyCache needs a positive maxAgeMs and a positive integer maxUses');
  }
}
