import type { Readable } from 'node:stream';
import { PolyfaasError, toPolyfaasError } from '../errors.js';
import { normaliseBody } from './body.js';
import { validateKey, validateMetadata, validatePrefix } from './keys.js';
import type {
  Bucket,
  BucketDriver,
  BucketObject,
  BucketObjectStream,
  FillingReader,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectInfo,
  PutBody,
  PutOptions,
} from './types.js';

const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 1000;

/**
 * Put the portable wrapper in front of a driver: keys are validated, bodies
 * normalised, defaults applied and every provider error becomes a coded
 * {@link PolyfaasError} with the original as `cause`. Drivers stay small.
 *
 * @example
 * ```ts
 * const bucket = createBucket(new MyDriver());
 * await bucket.put('a.txt', 'hello');
 * ```
 */
export function createBucket(driver: BucketDriver): Bucket {
  return new DriverBucket(driver);
}

/**
 * The portable wrapper as a class, for adapters whose bucket type has a name
 * of its own: `class S3Bucket extends DriverBucket { constructor(url) { super(new S3Driver(...)) } }`.
 */
export class DriverBucket implements Bucket {
  readonly name: string;
  /** Present when the driver reads whole bodies progressively (see {@link Bucket.getFilling}). */
  readonly getFilling?: (key: string, onBytes: FillingReader) => Promise<BucketObject>;

  constructor(private readonly driver: BucketDriver) {
    this.name = driver.name;
    const getFilling = driver.getFilling?.bind(driver);
    if (getFilling) {
      this.getFilling = async (key, onBytes) => {
        validateKey(key);
        return this.call(`get ${key}`, () => getFilling(key, onBytes));
      };
    }
  }

  async get(key: string): Promise<BucketObject> {
    validateKey(key);
    return this.call(`get ${key}`, () => this.driver.get(key));
  }

  async getStream(key: string): Promise<BucketObjectStream> {
    validateKey(key);
    return this.call(`getStream ${key}`, () => this.driver.getStream(key));
  }

  async put(key: string, body: PutBody, options: PutOptions = {}): Promise<ObjectInfo> {
    validateKey(key);
    const metadata = { ...(options.metadata ?? {}) };
    validateMetadata(metadata);
    if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
      throw new PolyfaasError('InvalidArgument', 'Use ifMatch or ifNoneMatch, not both');
    }
    if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== '*') {
      throw new PolyfaasError('InvalidArgument', "ifNoneMatch only accepts '*'");
    }
    const normalised: Uint8Array | Readable = normaliseBody(body);
    return this.call(`put ${key}`, () =>
      this.driver.put(key, normalised, {
        contentType: options.contentType ?? 'application/octet-stream',
        metadata,
        ...(options.ifNoneMatch ? { ifNoneMatch: options.ifNoneMatch } : {}),
        ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
      }),
    );
  }

  async head(key: string): Promise<ObjectInfo> {
    validateKey(key);
    return this.call(`head ${key}`, () => this.driver.head(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.head(key);
      return true;
    } catch (err) {
      if (err instanceof PolyfaasError && err.code === 'NotFound') return false;
      throw err;
    }
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    const prefix = options.prefix ?? '';
    validatePrefix(prefix);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new PolyfaasError('InvalidArgument', `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    return this.call(`list ${prefix}`, () =>
      this.driver.listPage({ prefix, pageSize, ...(options.cursor ? { cursor: options.cursor } : {}) }),
    );
  }

  async *list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    let cursor: string | undefined;
    do {
      const page = await this.listPage({ ...options, ...(cursor ? { cursor } : {}) });
      yield* page.objects;
      cursor = page.cursor;
    } while (cursor);
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    return this.call(`delete ${key}`, () => this.driver.delete(key));
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw toPolyfaasError(err, `${this.name}: ${what} failed`, (e) => this.driver.classifyError?.(e));
    }
  }
}
