import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bucket } from '../../../src/index.js';
import type { AppRuntime } from '../../../src/adapter.js';
import { isPolyfaasError, PolyfaasError } from '../../../src/index.js';
import { readBodyWithLimit, validateKey, validatePrefix } from '../../../src/adapter.js';
import { CONSOLE_HEADERS, sendJson } from './respond.js';

/** Largest object the console uploads. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Largest page of a listing the console asks for. */
const MAX_PAGE = 200;
/** Types a browser may render inline; everything else is downloaded, so a stored page can never run as the console. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TEXT_TYPES = /^(text\/plain|text\/csv|application\/json|application\/x-ndjson)\b/;

/**
 * The console's bucket operations on the app's logical buckets: list a page,
 * read (inline only for raster images and as plain text for text and JSON),
 * upload and delete. Writes go through the runtime's bucket, so they fire the
 * app's storage triggers as any write does. Keys are checked with the bucket
 * key rules before the bucket sees them, and failures are described by key and
 * bucket name only: never by where the bucket lives.
 */
export class BucketApi {
  constructor(
    private readonly rt: AppRuntime,
    /** The app's logical bucket names, including those bound only by serve's `buckets` option. */
    readonly names: readonly string[],
  ) {}

  async list(name: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const bucket = this.open(name);
    const prefix = query.get('prefix') ?? '';
    try {
      validatePrefix(prefix);
    } catch (err) {
      throw keyProblem(err, prefix);
    }
    const pageSize = Math.min(MAX_PAGE, Math.max(1, Number(query.get('pageSize')) || 50));
    const cursor = query.get('cursor') || undefined;
    const page = await bucket.listPage({ prefix, pageSize, ...(cursor ? { cursor } : {}) }).catch((err: unknown) => {
      throw isPolyfaasError(err, 'InvalidArgument') ? new PolyfaasError('InvalidArgument', 'Bad listing cursor') : failure(err, name, prefix);
    });
    sendJson(res, 200, {
      objects: page.objects.map((o) => ({ key: o.key, size: o.size, contentType: o.contentType, lastModified: o.lastModified.toISOString() })),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  }

  async read(name: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const bucket = this.open(name);
    const key = checkedKey(query.get('key'));
    const object = await bucket.getStream(key).catch((err: unknown) => {
      throw failure(err, name, key);
    });
    const download = query.get('download') === '1';
    const type = object.contentType.toLowerCase();
    const inline = !download && (INLINE_TYPES.has(type) || TEXT_TYPES.test(type));
    res.writeHead(200, {
      ...CONSOLE_HEADERS,
      'content-type': !inline ? 'application/octet-stream' : TEXT_TYPES.test(type) ? 'text/plain; charset=utf-8' : type,
      'content-length': object.size,
      // Even an image is never a document here: no scripts, no requests, nothing it could reach.
      'content-security-policy': "sandbox; default-src 'none'",
      ...(inline ? {} : { 'content-disposition': attachment(key) }),
    });
    object.body.on('error', () => res.destroy());
    object.body.pipe(res);
  }

  async upload(name: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bucket = this.open(name);
    const key = checkedKey(query.get('key'));
    const read = await readBodyWithLimit(req, MAX_UPLOAD_BYTES);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') throw new PolyfaasError('PayloadTooLarge', `Uploads through the console are limited to ${MAX_UPLOAD_BYTES} bytes`);
    const contentType = safeContentType(req.headers['content-type']);
    const info = await bucket.put(key, read.body, { contentType }).catch((err: unknown) => {
      throw failure(err, name, key);
    });
    sendJson(res, 201, { key: info.key, size: info.size, contentType: info.contentType });
  }

  async remove(name: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const bucket = this.open(name);
    const key = checkedKey(query.get('key'));
    await bucket.delete(key).catch((err: unknown) => {
      throw failure(err, name, key);
    });
    sendJson(res, 200, { deleted: key });
  }

  private open(name: string): Bucket {
    if (!this.names.includes(name)) throw new PolyfaasError('NotFound', `The app has no bucket ${JSON.stringify(name.slice(0, 100))}`);
    return this.rt.bucket(name);
  }
}

function checkedKey(key: string | null): string {
  try {
    validateKey(key ?? '');
    return key as string;
  } catch (err) {
    throw keyProblem(err, key ?? '');
  }
}

function keyProblem(err: unknown, key: string): PolyfaasError {
  const reason = isPolyfaasError(err) && typeof err.details?.reason === 'string' ? err.details.reason : 'not a valid key';
  return new PolyfaasError('InvalidArgument', `Invalid key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
}

/** A bucket failure described by bucket and key only: a driver's message may say where the bucket lives. */
function failure(err: unknown, bucket: string, key: string): PolyfaasError {
  const where = `${JSON.stringify(key.slice(0, 200))} in bucket ${bucket}`;
  if (isPolyfaasError(err, 'NotFound')) return new PolyfaasError('NotFound', `No object ${where}`);
  if (isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) return new PolyfaasError(err.code, `Conflicting write of ${where}`);
  if (isPolyfaasError(err, 'InvalidArgument')) return new PolyfaasError('InvalidArgument', `The bucket refused ${where}`);
  if (isPolyfaasError(err, 'Unavailable', 'ResourceExhausted', 'DeadlineExceeded')) return new PolyfaasError(err.code, `Bucket ${bucket} is unavailable`);
  return new PolyfaasError('Internal', `Bucket operation failed on ${where}`, { cause: err });
}

function safeContentType(value: string | undefined): string {
  const type = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && type.length <= 100 ? type : 'application/octet-stream';
}

function attachment(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1) || 'download';
  const ascii = base.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(base)}`;
}
