import { isPolyfaasError, PolyfaasError } from '../errors.js';
import type { Bucket, ObjectInfo } from '../storage/types.js';
import { newKvVersion } from './codec.js';
import { kvKeyDigest } from './limits.js';
import { DriverKeyValueStore, isExpired } from './portable.js';
import { SeenVersions } from './seen-versions.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from './types.js';

const EXPIRES = 'kv-expires-at';
const TOMBSTONE = 'kv-deleted';
const FOLDER = 'kv/';
/** Bytes of the random nonce before each stored value (see {@link BucketKeyValueStore}). */
const NONCE_BYTES = 16;

/**
 * A key-value store kept in any {@link Bucket} (S3, GCS, Azure Blob, a
 * directory): works on every cloud with no extra service.
 *
 * - Each entry is one object, `kv/<sha256 of key>`, whose etag is the version;
 *   `ifAbsent` and `ifVersion` ride on the bucket's `ifNoneMatch` / `ifMatch`,
 *   so the bucket service decides races.
 * - TTLs are enforced on read (object metadata `kv-expires-at`); expired
 *   objects stay until overwritten or removed by a bucket lifecycle rule.
 * - Each body starts with a random nonce: S3's ETag is the MD5 of the body, so
 *   writing the same value twice would otherwise keep the version, and a stale
 *   compare-and-swap could pass.
 * - A conditional delete writes an expired tombstone by compare-and-swap
 *   (buckets have no conditional delete); an unconditional one removes the object.
 * - Increments are compare-and-swap loops: correct, but each costs at least two round trips.
 *
 * @example
 * ```ts
 * const kv = new BucketKeyValueStore(await openBucket('s3://my-bucket/state'));
 * // or: await openKeyValueStore('bucket+s3://my-bucket/state')
 * ```
 */
export class BucketKeyValueStore extends DriverKeyValueStore {
  constructor(bucket: Bucket) {
    super(new BucketKvDriver(bucket));
  }
}

class BucketKvDriver implements KeyValueDriver {
  readonly name: string;
  private readonly seen = new SeenVersions();

  constructor(private readonly bucket: Bucket) {
    this.name = `bucket+${bucket.name}`;
  }

  async get(key: string): Promise<KvRecord | undefined> {
    try {
      const object = await this.bucket.get(objectKey(key));
      if (isTombstone(object)) return undefined;
      const expiresAt = expiryOf(object);
      if (object.body.byteLength < NONCE_BYTES) throw new PolyfaasError('DataLoss', 'A bucket key-value entry is corrupt');
      this.seen.remember(key, object.etag, expiresAt);
      return { data: object.body.subarray(NONCE_BYTES), version: object.etag, ...(expiresAt === undefined ? {} : { expiresAt }) };
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const name = objectKey(key);
    const body = withNonce(data);
    const metadata: Record<string, string> = options.expiresAt === undefined ? {} : { [EXPIRES]: String(options.expiresAt) };
    const written = (version: string) => {
      this.seen.remember(key, version, options.expiresAt);
      return { version };
    };
    if (options.ifVersion !== undefined) {
      await this.requireLive(key, name, options.ifVersion);
      return written((await this.bucket.put(name, body, { metadata, ifMatch: options.ifVersion })).etag);
    }
    if (!options.ifAbsent) return written((await this.bucket.put(name, body, { metadata })).etag);
    for (;;) {
      try {
        return written((await this.bucket.put(name, body, { metadata, ifNoneMatch: '*' })).etag);
      } catch (err) {
        if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      }
      // Something is there: it counts as absent only if expired or a tombstone; replace exactly that object.
      const current = await this.headOrUndefined(name);
      if (!current) continue;
      if (isLive(current)) throw new PolyfaasError('PreconditionFailed', 'An entry already exists at this key');
      try {
        return written((await this.bucket.put(name, body, { metadata, ifMatch: current.etag })).etag);
      } catch (err) {
        if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      }
    }
  }

  async delete(key: string, options: { ifVersion?: string }): Promise<void> {
    const name = objectKey(key);
    if (options.ifVersion === undefined) return this.bucket.delete(name);
    await this.requireLive(key, name, options.ifVersion);
    await this.bucket.put(name, new Uint8Array(), { metadata: { [TOMBSTONE]: '1' }, ifMatch: options.ifVersion });
  }

  /**
   * `PreconditionFailed` unless the live object has etag `version` (an expired
   * or deleted one never matches). A version seen before is judged by its
   * remembered expiry, leaving the rest to `ifMatch`; others cost a head.
   */
  private async requireLive(key: string, name: string, version: string): Promise<void> {
    const known = this.seen.expiryOf(key, version);
    if (known !== undefined && !isExpired(known)) return;
    const current = known === undefined ? await this.headOrUndefined(name) : undefined;
    if (!current || !isLive(current) || current.etag !== version) {
      throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version');
    }
  }

  private async headOrUndefined(name: string): Promise<ObjectInfo | undefined> {
    try {
      return await this.bucket.head(name);
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) return undefined;
      throw err;
    }
  }
}

function objectKey(key: string): string {
  return FOLDER + kvKeyDigest(key);
}

/** The value behind a fresh random nonce (16 ASCII hex bytes). */
function withNonce(data: Uint8Array): Uint8Array {
  const body = new Uint8Array(NONCE_BYTES + data.byteLength);
  body.set(Buffer.from(newKvVersion(), 'latin1'), 0);
  body.set(data, NONCE_BYTES);
  return body;
}

function expiryOf(info: ObjectInfo): number | undefined {
  const raw = info.metadata[EXPIRES];
  return raw === undefined ? undefined : Number(raw);
}

function isTombstone(info: ObjectInfo): boolean {
  return info.metadata[TOMBSTONE] === '1';
}

function isLive(info: ObjectInfo): boolean {
  return !isTombstone(info) && !isExpired(expiryOf(info));
}
