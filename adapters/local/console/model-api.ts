import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bucket } from '../../../src/index.js';
import type { AppRuntime } from '../../../src/adapter.js';
import { isPolyfaasError, mapLimit, PolyfaasError } from '../../../src/index.js';
import { readBodyWithLimit } from '../../../src/adapter.js';
import type { ModelStore } from '../../../src/model/index.js';
import { reportKey } from '../../../pipelines/image-classification/jobs.js';
import { CONSOLE_HEADERS, sendJson } from './respond.js';

/** Where models live in each bucket: the model store's default prefix, which the pipelines use. */
const MODELS_PREFIX = 'models/';
/** Keys looked at when discovering models in one bucket; a store holds a handful per version. */
const MAX_DISCOVERY_KEYS = 20_000;
/** Newest versions shown per model. */
const MAX_VERSIONS = 50;
/** Largest report served into the page. */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;

/**
 * The report's policy: a document with no scripts, no requests and an opaque
 * origin (`sandbox` without `allow-same-origin`), which only the console may
 * frame. Its inline styles and SVG are all it can use.
 */
export const REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/** How a version's signature stands, as far as this server can tell. */
export type SignatureStatus = { state: 'verified' } | { state: 'rejected'; reason: string } | { state: 'signed' } | { state: 'unsigned' };

/**
 * The console's view of the model stores in the app's buckets (the default
 * `models/` prefix): versions with metrics, signature status and report,
 * aliases with history, and promotion (rollback is a promotion to a previous
 * version). Everything goes through {@link ModelStore}, so signing policy and
 * compare-and-swap apply as they do for `polyfaas models`. The store (and
 * with it TensorFlow) is only loaded when the Models page is first opened.
 */
export class ModelApi {
  private readonly stores = new Map<string, Promise<ModelStore>>();

  constructor(
    private readonly rt: AppRuntime,
    private readonly names: readonly string[],
  ) {}

  /** `GET api/models`: every model of every bucket. */
  async list(res: ServerResponse): Promise<void> {
    const models: { bucket: string; name: string }[] = [];
    for (const bucket of this.names) {
      const found = new Set<string>();
      let seen = 0;
      for await (const object of this.rt.bucket(bucket).list({ prefix: MODELS_PREFIX })) {
        const [name, kind] = object.key.slice(MODELS_PREFIX.length).split('/');
        if (name && (kind === 'versions' || kind === 'aliases')) found.add(name);
        if (++seen >= MAX_DISCOVERY_KEYS) break;
      }
      for (const name of [...found].sort()) models.push({ bucket, name });
    }
    sendJson(res, 200, { models });
  }

  /** `GET api/models/<bucket>/<name>`: versions (newest first) and aliases. */
  async detail(bucketName: string, name: string, res: ServerResponse): Promise<void> {
    const store = await this.store(bucketName);
    const [all, aliases] = await Promise.all([store.list(name), store.aliases(name)]);
    const versions = await mapLimit(all.reverse().slice(0, MAX_VERSIONS), 8, async (info) => ({
      version: info.version,
      createdAt: info.createdAt,
      metrics: info.metrics,
      runId: typeof info.metadata.runId === 'string' ? info.metadata.runId : undefined,
      signature: await signatureStatus(store, name, info.version),
      report: await reportSummary(store.bucket, name, info.version),
    }));
    sendJson(res, 200, {
      bucket: bucketName,
      name,
      verifies: store.trust.verifies,
      versions,
      aliases: aliases.map((a) => ({ alias: a.alias, version: a.version, previous: a.previous, updatedAt: a.updatedAt, history: a.history, signed: a.signature !== undefined })),
    });
  }

  /**
   * `POST api/models/<bucket>/<name>/promote` with `{ alias, version, expected }`:
   * point the alias at the version, if it still points where the page saw it
   * (`expected`, `null` for a new alias), so a page never undoes a promotion
   * it did not show.
   */
  async promote(bucketName: string, name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readBodyWithLimit(req, 4096);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') throw new PolyfaasError('PayloadTooLarge', 'A promotion is a small JSON object');
    let body: { alias?: unknown; version?: unknown; expected?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(read.body)) as typeof body;
    } catch {
      throw new PolyfaasError('InvalidArgument', 'Send { "alias", "version", "expected" } as JSON');
    }
    if (typeof body.alias !== 'string' || typeof body.version !== 'string' || !(body.expected === null || typeof body.expected === 'string')) {
      throw new PolyfaasError('InvalidArgument', 'Send { "alias", "version", "expected" } as JSON');
    }
    const store = await this.store(bucketName);
    const current = await store.resolveAlias(name, body.alias).then(
      (a) => a.version,
      (err: unknown) => {
        if (isPolyfaasError(err, 'NotFound')) return null;
        throw err;
      },
    );
    if (current !== body.expected) {
      throw new PolyfaasError('PreconditionFailed', `${name}@${body.alias} moved to ${current ?? 'nothing'} since the page was loaded; reload and try again`);
    }
    const moved = await store.promote(name, body.version, body.alias);
    sendJson(res, 200, { alias: moved.alias, version: moved.version, previous: moved.previous });
  }

  /** `GET api/models/<bucket>/<name>/report?version=…`: the run's HTML report, as an inert sandboxed document. */
  async report(bucketName: string, name: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const store = await this.store(bucketName);
    const version = query.get('version') ?? '';
    await store.info(name, version).catch((err: unknown) => {
      // A tampered version's report is still worth reading; anything else is as the store says.
      if (!isPolyfaasError(err, 'Forbidden')) throw err;
    });
    let body: Uint8Array;
    try {
      const object = await store.bucket.get(reportKey(name, version, 'html'));
      body = object.body;
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) throw new PolyfaasError('NotFound', `Version ${version} of ${name} has no report`);
      throw err;
    }
    if (body.byteLength > MAX_REPORT_BYTES) throw new PolyfaasError('PayloadTooLarge', 'The report is too large to show');
    res.writeHead(200, {
      ...CONSOLE_HEADERS,
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': REPORT_CSP,
      'content-type': 'text/html; charset=utf-8',
      'content-length': body.byteLength,
    });
    res.end(body);
  }

  private store(bucketName: string): Promise<ModelStore> {
    if (!this.names.includes(bucketName)) throw new PolyfaasError('NotFound', `The app has no bucket ${JSON.stringify(bucketName.slice(0, 100))}`);
    let store = this.stores.get(bucketName);
    if (!store) {
      const bucket = this.rt.bucket(bucketName);
      store = import('../../../src/model/index.js').then((m) => new m.ModelStore(bucket, { prefix: MODELS_PREFIX }));
      this.stores.set(bucketName, store);
    }
    return store;
  }
}

async function signatureStatus(store: ModelStore, name: string, version: string): Promise<SignatureStatus> {
  if (store.trust.verifies) {
    try {
      await store.info(name, version);
      return { state: 'verified' };
    } catch (err) {
      if (!isPolyfaasError(err, 'Forbidden')) throw err;
      const reason = typeof err.details?.reason === 'string' ? err.details.reason : 'untrusted';
      return { state: 'rejected', reason };
    }
  }
  const { MODEL_SIGNATURE_FILE } = await import('../../../src/model/index.js');
  return (await store.bucket.exists(store.layout.versionFolder(name, version) + MODEL_SIGNATURE_FILE)) ? { state: 'signed' } : { state: 'unsigned' };
}

/** The evaluation's verdict, when the pipeline wrote a report for the version. */
async function reportSummary(bucket: Bucket, name: string, version: string): Promise<{ accuracy?: number; promoted?: boolean; reason?: string; html: boolean } | undefined> {
  const html = await bucket.exists(reportKey(name, version, 'html'));
  let summary: { metrics?: { accuracy?: unknown }; promoted?: unknown; reason?: unknown } | undefined;
  try {
    const object = await bucket.get(reportKey(name, version, 'json'));
    if (object.size <= MAX_REPORT_BYTES) summary = JSON.parse(new TextDecoder().decode(object.body)) as typeof summary;
  } catch (err) {
    if (!isPolyfaasError(err, 'NotFound') && !(err instanceof SyntaxError)) throw err;
  }
  if (!html && !summary) return undefined;
  return {
    html,
    ...(typeof summary?.metrics?.accuracy === 'number' ? { accuracy: summary.metrics.accuracy } : {}),
    ...(typeof summary?.promoted === 'boolean' ? { promoted: summary.promoted } : {}),
    ...(typeof summary?.reason === 'string' ? { reason: summary.reason.slice(0, 300) } : {}),
  };
}
