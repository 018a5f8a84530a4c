import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

/**
 * A stand-in for the Cloud Storage JSON API, just big enough for
 * `@google-cloud/storage` (no real GCS emulator runs on this machine).
 *
 * Covered: bucket insert; object multipart upload, resumable upload (session
 * creation, single-request and chunked PUTs, status query), media download,
 * metadata get, list with prefix/maxResults/pageToken, delete; the
 * `ifGenerationMatch` / `ifGenerationNotMatch` / `generation` parameters; correct
 * `md5Hash` / `crc32c` in metadata and the `x-goog-hash` download header so the
 * client's integrity checks pass. Objects are kept in memory, one generation
 * per name (no versioning). Anything else answers 501.
 *
 * Paths are accepted both under `/storage/v1` (client `apiEndpoint`) and without it
 * (`STORAGE_EMULATOR_HOST`, which the client uses as the JSON API base URL).
 */
export class GcsStandIn {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly sessions = new Map<string, UploadSession>();
  private readonly listeners = new Set<(change: ObjectChange) => void>();
  private lastGeneration = 0;
  /** How many uploads of each kind finished, so tests can tell which protocol the client used. */
  readonly uploads = { multipart: 0, resumable: 0 };

  private constructor(
    private readonly server: Server,
    /** Base URL, e.g. `http://127.0.0.1:4567`: pass it as the client's `apiEndpoint`. */
    readonly url: string,
  ) {}

  /** Start on a free loopback port. */
  static async start(): Promise<GcsStandIn> {
    const holder: { standIn?: GcsStandIn } = {};
    const server = createServer((req, res) => {
      void (holder.standIn as GcsStandIn).handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.standIn = new GcsStandIn(server, `http://127.0.0.1:${port}`);
    return holder.standIn;
  }

  /** Create a bucket (idempotent). */
  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  /** Be told about every object finalized or deleted, as Eventarc is; returns an unsubscribe function. */
  onChange(listener: (change: ObjectChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The objects of a bucket, for assertions. */
  objectNames(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (upload) {
      const bucket = decodeURIComponent(upload[1] as string);
      if (method === 'POST' && url.searchParams.get('uploadType') === 'resumable') return this.startResumable(bucket, url, req, res);
      if (method === 'POST') return this.multipart(bucket, url, req, res);
      if (method === 'PUT') return this.resumeUpload(url, req, res);
    }
    const path = url.pathname.replace(/^\/storage\/v1(?=\/)/, '');
    if (path === '/b' && method === 'POST') {
      const { name } = JSON.parse((await readBody(req)).toString('utf8')) as { name: string };
      this.createBucket(name);
      return sendJson(res, 200, { kind: 'storage#bucket', name, id: name });
    }
    const list = /^\/b\/([^/]+)\/o$/.exec(path);
    if (list && method === 'GET') return this.list(decodeURIComponent(list[1] as string), url, res);
    const object = /^\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (object) {
      const bucket = decodeURIComponent(object[1] as string);
      const name = decodeURIComponent(object[2] as string);
      await readBody(req);
      if (method === 'GET' && url.searchParams.get('alt') === 'media') return this.download(bucket, name, url, res);
      if (method === 'GET') return this.metadata(bucket, name, url, res);
      if (method === 'DELETE') return this.remove(bucket, name, url, res);
    }
    await readBody(req);
    sendError(res, 501, `The stand-in does not implement ${method} ${url.pathname}`);
  }

  private objects(bucket: string, res: ServerResponse): Map<string, StoredObject> | undefined {
    const found = this.buckets.get(bucket);
    if (!found) sendError(res, 404, `The specified bucket does not exist: ${bucket}`);
    return found;
  }

  private current(bucket: string, name: string, url: URL, res: ServerResponse): StoredObject | undefined {
    const objects = this.objects(bucket, res);
    if (!objects) return undefined;
    const found = objects.get(name);
    const generation = url.searchParams.get('generation');
    if (!found || (generation !== null && String(found.generation) !== generation)) {
      sendError(res, 404, `No such object: ${bucket}/${name}`);
      return undefined;
    }
    if (!this.preconditionsHold(found, url, res)) return undefined;
    return found;
  }

  private preconditionsHold(existing: StoredObject | undefined, url: URL, res: ServerResponse): boolean {
    const match = url.searchParams.get('ifGenerationMatch');
    const notMatch = url.searchParams.get('ifGenerationNotMatch');
    const generation = existing ? String(existing.generation) : '0';
    if ((match !== null && match !== generation) || (notMatch !== null && notMatch === generation)) {
      sendError(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
      return false;
    }
    return true;
  }

  private metadata(bucket: string, name: string, url: URL, res: ServerResponse): void {
    const found = this.current(bucket, name, url, res);
    if (found) sendJson(res, 200, this.resource(found));
  }

  private download(bucket: string, name: string, url: URL, res: ServerResponse): void {
    const found = this.current(bucket, name, url, res);
    if (!found) return;
    res.writeHead(200, {
      'content-type': found.contentType,
      'content-length': String(found.data.byteLength),
      'x-goog-generation': String(found.generation),
      'x-goog-metageneration': '1',
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(found.data.byteLength),
      'x-goog-hash': `crc32c=${found.crc32c},md5=${found.md5Hash}`,
    });
    res.end(found.data);
  }

  private remove(bucket: string, name: string, url: URL, res: ServerResponse): void {
    const found = this.current(bucket, name, url, res);
    if (!found) return;
    this.buckets.get(bucket)?.delete(name);
    res.writeHead(204).end();
    this.emit({ kind: 'deleted', object: this.resource(found) });
  }

  private list(bucket: string, url: URL, res: ServerResponse): void {
    const objects = this.objects(bucket, res);
    if (!objects) return;
    const prefix = url.searchParams.get('prefix') ?? '';
    const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 1000) || 1000, 1000);
    const token = url.searchParams.get('pageToken');
    const after = token ? Buffer.from(token, 'base64url').toString('utf8') : undefined;
    const names = [...objects.keys()].filter((n) => n.startsWith(prefix) && (after === undefined || n > after)).sort();
    const page = names.slice(0, maxResults);
    const body: Record<string, unknown> = { kind: 'storage#objects', items: page.map((n) => this.resource(objects.get(n) as StoredObject)) };
    const last = page[page.length - 1];
    if (names.length > page.length && last !== undefined) body.nextPageToken = Buffer.from(last, 'utf8').toString('base64url');
    sendJson(res, 200, body);
  }

  private async multipart(bucket: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (!this.objects(bucket, res)) return;
    const boundary = /boundary=("?)([^";]+)\1/.exec(req.headers['content-type'] ?? '')?.[2];
    if (!boundary) return sendError(res, 400, 'multipart upload without a boundary');
    const [metaPart, mediaPart] = splitMultipart(body, boundary);
    if (!metaPart || !mediaPart) return sendError(res, 400, 'multipart upload needs a metadata and a media part');
    const metadata = JSON.parse(metaPart.body.toString('utf8')) as ObjectMetadata;
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) return sendError(res, 400, 'object name missing');
    if (this.finalize(bucket, name, { ...metadata, contentType: metadata.contentType ?? mediaPart.contentType }, [mediaPart.body], url, res)) {
      this.uploads.multipart++;
    }
  }

  private async startResumable(bucket: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (!this.objects(bucket, res)) return;
    const metadata = (raw.byteLength ? JSON.parse(raw.toString('utf8')) : {}) as ObjectMetadata;
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) return sendError(res, 400, 'object name missing');
    const uploadContentType = req.headers['x-upload-content-type'];
    if (!metadata.contentType && typeof uploadContentType === 'string') metadata.contentType = uploadContentType;
    // Preconditions are checked when the session starts and again when it finalizes, as GCS does.
    if (!this.preconditionsHold(this.buckets.get(bucket)?.get(name), url, res)) return;
    const id = randomUUID();
    this.sessions.set(id, { bucket, name, metadata, chunks: [], received: 0, query: new URLSearchParams(url.searchParams) });
    const location = new URL(`/upload/storage/v1/b/${encodeURIComponent(bucket)}/o`, this.url);
    location.searchParams.set('uploadType', 'resumable');
    location.searchParams.set('name', name);
    location.searchParams.set('upload_id', id);
    res.writeHead(200, { location: location.href, 'content-length': '0' }).end();
  }

  private async resumeUpload(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const session = this.sessions.get(url.searchParams.get('upload_id') ?? '');
    if (!session) return sendError(res, 404, 'No such upload session');
    const range = /^bytes (\*|(\d+)-(\d+|\*))\/(\d+|\*|undefined)$/.exec(String(req.headers['content-range'] ?? 'bytes 0-*/*'));
    if (!range) return sendError(res, 400, `Bad Content-Range ${String(req.headers['content-range'])}`);
    const [, span, start, end, totalText] = range;
    if (span !== '*') {
      if (Number(start) !== session.received) return sendError(res, 400, `Chunk starts at ${start}, expected ${session.received}`);
      session.chunks.push(body);
      session.received += body.byteLength;
    }
    const total = /^\d+$/.test(totalText ?? '') ? Number(totalText) : undefined;
    // "start-*" means this request carried everything that was left (single-request upload).
    const complete = total !== undefined ? session.received >= total : span !== '*' && end === '*';
    if (!complete) {
      const headers: Record<string, string> = { 'content-length': '0' };
      if (session.received > 0) headers.range = `bytes=0-${session.received - 1}`;
      res.writeHead(308, headers).end();
      return;
    }
    this.sessions.delete(url.searchParams.get('upload_id') ?? '');
    const query = new URL(this.url);
    session.query.forEach((value, key) => query.searchParams.set(key, value));
    if (this.finalize(session.bucket, session.name, session.metadata, session.chunks, query, res)) this.uploads.resumable++;
  }

  private finalize(bucket: string, name: string, metadata: ObjectMetadata, chunks: Buffer[], url: URL, res: ServerResponse): boolean {
    const objects = this.objects(bucket, res);
    if (!objects) return false;
    if (Buffer.byteLength(name) > 1024) {
      sendError(res, 400, 'The object name is too long (1024 bytes at most)');
      return false;
    }
    // Node serves one callback at a time, so check-and-store is atomic: racing conditional writers cannot both win.
    if (!this.preconditionsHold(objects.get(name), url, res)) return false;
    const data = Buffer.concat(chunks);
    const crc = new CRC32C();
    crc.update(data);
    const now = new Date().toISOString();
    const stored: StoredObject = {
      bucket,
      name,
      data,
      generation: this.nextGeneration(),
      contentType: metadata.contentType ?? 'application/octet-stream',
      metadata: metadata.metadata ?? {},
      md5Hash: createHash('md5').update(data).digest('base64'),
      crc32c: crc.toString(),
      timeCreated: now,
    };
    objects.set(name, stored);
    const resource = this.resource(stored);
    sendJson(res, 200, resource);
    this.emit({ kind: 'finalized', object: resource });
    return true;
  }

  private nextGeneration(): number {
    // Microseconds since the epoch, strictly increasing, as real generations are.
    this.lastGeneration = Math.max(this.lastGeneration + 1, Date.now() * 1000);
    return this.lastGeneration;
  }

  private resource(o: StoredObject): GcsObjectResource {
    const path = `b/${encodeURIComponent(o.bucket)}/o/${encodeURIComponent(o.name)}`;
    return {
      kind: 'storage#object',
      id: `${o.bucket}/${o.name}/${o.generation}`,
      selfLink: `${this.url}/storage/v1/${path}`,
      mediaLink: `${this.url}/download/storage/v1/${path}?generation=${o.generation}&alt=media`,
      name: o.name,
      bucket: o.bucket,
      generation: String(o.generation),
      metageneration: '1',
      contentType: o.contentType,
      storageClass: 'STANDARD',
      size: String(o.data.byteLength),
      md5Hash: o.md5Hash,
      crc32c: o.crc32c,
      etag: Buffer.from(String(o.generation)).toString('base64'),
      timeCreated: o.timeCreated,
      updated: o.timeCreated,
      timeStorageClassUpdated: o.timeCreated,
      ...(Object.keys(o.metadata).length ? { metadata: { ...o.metadata } } : {}),
    };
  }

  private emit(change: ObjectChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** The Cloud Storage object resource, as the JSON API and storage CloudEvents carry it. */
export interface GcsObjectResource {
  kind: 'storage#object';
  id: string;
  selfLink: string;
  mediaLink: string;
  name: string;
  bucket: string;
  generation: string;
  metageneration: string;
  contentType: string;
  storageClass: string;
  size: string;
  md5Hash: string;
  crc32c: string;
  etag: string;
  timeCreated: string;
  updated: string;
  timeStorageClassUpdated: string;
  metadata?: Record<string, string>;
}

/** An object was finalized (created or overwritten) or deleted. */
export interface ObjectChange {
  kind: 'finalized' | 'deleted';
  object: GcsObjectResource;
}

interface ObjectMetadata {
  name?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

interface StoredObject {
  bucket: string;
  name: string;
  data: Buffer;
  generation: number;
  contentType: string;
  metadata: Record<string, string>;
  md5Hash: string;
  crc32c: string;
  timeCreated: string;
}

interface UploadSession {
  bucket: string;
  name: string;
  metadata: ObjectMetadata;
  chunks: Buffer[];
  received: number;
  query: URLSearchParams;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(bytes.byteLength) }).end(bytes);
}

function sendError(res: ServerResponse, status: number, message: string, reason = 'invalid'): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
}

/** Split a `multipart/related` body into its parts (headers and bytes). */
function splitMultipart(body: Buffer, boundary: string): { contentType: string; body: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { contentType: string; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.byteLength;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    let content = part.subarray(headerEnd + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    parts.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream', body: content });
    at = next;
  }
  return parts;
}
