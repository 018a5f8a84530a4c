import { randomUUID } from 'node:crypto';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { HttpRequestInit } from '../../src/index.js';
import type { HttpResult } from '../../src/adapter.js';
import { toHttpResult } from '../../src/adapter.js';
import type { CapturedFunction } from './functions-core-stub.js';
import { programmingModel } from './functions-core-stub.js';

/** `RpcTypedData`: how the host encodes every value it sends the worker. */
export type RpcTypedData = { string?: string; json?: string; bytes?: Uint8Array; int?: number; http?: Record<string, unknown> };

/** A message the host gave up on (`<queue>-poison` / `webjobs-blobtrigger-poison`). */
export interface PoisonMessage {
  readonly function: string;
  readonly event: unknown;
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string };
  readonly time: Date;
}

/**
 * Invoke a captured function exactly as the Node.js worker does: through the
 * programming model of `@azure/functions` (`getArguments` builds the real
 * `HttpRequest`/`InvocationContext`, `getResponse` converts the result).
 */
export async function invokeCaptured(
  fn: CapturedFunction,
  input: { data: RpcTypedData; triggerMetadata?: Record<string, RpcTypedData>; retryContext?: Record<string, unknown> },
): Promise<{ returnValue?: unknown }> {
  const coreCtx = {
    invocationId: randomUUID(),
    metadata: { name: fn.name, bindings: fn.bindings },
    request: {
      inputData: [{ name: fn.trigger.name, data: input.data }],
      triggerMetadata: input.triggerMetadata ?? {},
      ...(input.retryContext ? { retryContext: input.retryContext } : {}),
    },
    log: () => undefined,
    state: 'invocation',
  };
  const model = programmingModel().getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();
  const result = await model.invokeFunction(context, inputs, fn.callback);
  return model.getResponse(context, result);
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'catchall'; name: string };

function parseRoute(route: string): Segment[] {
  return route
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith('{*') ? { kind: 'catchall', name: s.slice(2, -1) } : s.startsWith('{') ? { kind: 'param', name: s.slice(1, -1) } : { kind: 'literal', value: s }));
}

/** Match a path against a route template the way the host's router does; a score ranks literal over parameter over catch-all. */
function matchRoute(route: string, segments: string[]): { params: Record<string, string>; score: number[] } | undefined {
  const template = parseRoute(route);
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as Segment;
    if (t.kind === 'catchall') {
      params[t.name] = segments.slice(i).join('/');
      score.push(1);
      return { params, score };
    }
    const s = segments[i];
    if (s === undefined) return undefined;
    if (t.kind === 'literal') {
      if (t.value.toLowerCase() !== s.toLowerCase()) return undefined;
      score.push(3);
    } else {
      params[t.name] = decodeURIComponent(s);
      score.push(2);
    }
  }
  return segments.length === template.length ? { params, score } : undefined;
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

/** Blob path pattern (`container/prefix{name}.png`) as a regular expression. */
function blobPathRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith('{{', i) || pattern.startsWith('}}', i)) {
      source += `\\${pattern[i]}`;
      i += 2;
    } else if (pattern[i] === '{') {
      const end = pattern.indexOf('}', i);
      source += '(.+)';
      i = end + 1;
    } else {
      source += (pattern[i] as string).replace(/[.*+?^$()|[\]\\/]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${source}$`);
}

/** Options of {@link EmulatedHost}. */
export interface EmulatedHostOptions {
  /** The storage account the blob triggers watch. */
  service: BlobServiceClient;
  /** Containers to scan for changes (the ones the app is bound to). */
  containers: readonly string[];
  /** host.json `extensions.queues.maxDequeueCount`: attempts before a blob or queue message is poisoned. */
  maxDequeueCount: number;
  /** Deliver every event twice, as the at-least-once host sometimes does. */
  deliverTwice?: boolean;
  /** Base delay between retries, ms (the real host uses its visibility timeout). */
  retryDelayMs?: number;
  /** Retries of every timer function, instead of each one's registered `retry.maxRetryCount`. */
  timerRetries?: number;
}

/**
 * The parts of the Azure Functions host the adapter relies on, emulated over
 * Azurite: HTTP routing by route template and method, the container-scanning
 * blob trigger (new or changed ETag → blob-trigger invocation with the
 * metadata the host sends), Event Grid `BlobDeleted` events for deletions, and
 * retries up to `maxDequeueCount` followed by poisoning. Storage-queue messages
 * go to the queue triggers on their queue, one by one, with the `dequeueCount`
 * the host reports rising on each redelivery, into `<queue>-poison` after
 * `maxDequeueCount`; timer ticks are retried by the function's retry policy
 * (`retryContext.retryCount`), then given up on (recorded in `poison` too).
 */
export class EmulatedHost {
  readonly poison: PoisonMessage[] = [];
  private readonly seen = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly functions: readonly CapturedFunction[],
    private readonly options: EmulatedHostOptions,
  ) {}

  /** Send one HTTP request through the route table to the captured handler. */
  async http(init: HttpRequestInit): Promise<HttpResult> {
    const method = (init.method ?? 'GET').toUpperCase();
    const path = init.path.startsWith('/') ? init.path : `/${init.path}`;
    const segments = path.split('/').filter(Boolean);
    let best: { fn: CapturedFunction; params: Record<string, string>; score: number[] } | undefined;
    for (const fn of this.functions) {
      if (fn.trigger.type !== 'httpTrigger') continue;
      const methods = (fn.trigger.methods as string[] | undefined) ?? ['GET', 'POST'];
      if (!methods.includes(method)) continue;
      const match = matchRoute(String(fn.trigger.route ?? fn.name), segments);
      if (match && (!best || better(match.score, best.score))) best = { fn, ...match };
    }
    if (!best) return toHttpResult(404, {}, new Uint8Array());
    const query = new URLSearchParams(init.query ?? {}).toString();
    const body = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : init.body;
    const http = {
      method,
      url: `http://127.0.0.1:7071${path}${query ? `?${query}` : ''}`,
      headers: init.headers ?? {},
      query: init.query ?? {},
      params: best.params,
      ...(body && body.byteLength > 0 ? { body: { bytes: body } } : {}),
    };
    const response = await invokeCaptured(best.fn, { data: { http } });
    const out = (response.returnValue as { http?: { statusCode?: string; headers?: Record<string, string>; cookies?: RpcCookie[]; body?: RpcTypedData } } | undefined)?.http;
    const bytes = out?.body?.bytes ?? (out?.body?.string !== undefined ? new TextEncoder().encode(out.body.string) : new Uint8Array());
    const cookies = (out?.cookies ?? []).map(setCookieLine);
    return toHttpResult(Number(out?.statusCode ?? 204), { ...(out?.headers ?? {}), ...(cookies.length ? { 'set-cookie': cookies } : {}) }, new Uint8Array(bytes));
  }

  /**
   * Scan the containers once, like the polling blob trigger: every new or
   * changed blob goes to the blob triggers whose path matches; every vanished
   * blob becomes an Event Grid `BlobDeleted` event. Returns how many changes it saw.
   */
  async scan(): Promise<number> {
    let changes = 0;
    const present = new Set<string>();
    for (const container of this.options.containers) {
      const client = this.options.service.getContainerClient(container);
      for await (const blob of client.listBlobsFlat({ includeMetadata: true })) {
        const id = `${container}/${blob.name}`;
        present.add(id);
        const etag = blob.properties.etag ?? '';
        if (this.seen.get(id) === etag) continue;
        this.seen.set(id, etag);
        changes++;
        const url = client.getBlobClient(blob.name).url;
        const properties = {
          LastModified: blob.properties.lastModified.toISOString(),
          CreatedOn: (blob.properties.createdOn ?? blob.properties.lastModified).toISOString(),
          Metadata: blob.metadata ?? {},
          BlobType: 0,
          ContentLength: blob.properties.contentLength ?? 0,
          ContentType: blob.properties.contentType ?? 'application/octet-stream',
          ETag: etag,
        };
        const content = await client.getBlobClient(blob.name).downloadToBuffer();
        for (const fn of this.functions) {
          if (fn.trigger.type !== 'blobTrigger' || !blobPathRegex(String(fn.trigger.path)).test(id)) continue;
          const nameMatch = blobPathRegex(String(fn.trigger.path)).exec(id);
          this.dispatch(fn, {
            data: { bytes: content },
            triggerMetadata: {
              BlobTrigger: { string: id },
              Uri: { string: url },
              Properties: { json: JSON.stringify(properties) },
              Metadata: { json: JSON.stringify(blob.metadata ?? {}) },
              name: { string: nameMatch?.[1] ?? blob.name },
              sys: { json: JSON.stringify({ MethodName: fn.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }) },
            },
          });
        }
      }
    }
    for (const id of [...this.seen.keys()]) {
      if (present.has(id)) continue;
      this.seen.delete(id);
      changes++;
      const slash = id.indexOf('/');
      const event = blobDeletedEvent(this.options.service.url, id.slice(0, slash), id.slice(slash + 1));
      for (const fn of this.functions) if (fn.trigger.type === 'eventGridTrigger') this.dispatch(fn, { data: { json: JSON.stringify(event) } });
    }
    return changes;
  }

  /** Put messages on a storage queue; every queue trigger on it receives each one. Returns how many triggers listen. */
  enqueue(queue: string, bodies: readonly string[]): number {
    const listeners = this.functions.filter((fn) => fn.trigger.type === 'queueTrigger' && fn.trigger.queueName === queue);
    for (const fn of listeners) for (const body of bodies) this.track(this.deliverQueueMessage(fn, body));
    return listeners.length;
  }

  /** Fire a timer function now, as its NCRONTAB schedule would. */
  fireTimer(name: string): void {
    const fn = this.functions.find((f) => f.name === name && f.trigger.type === 'timerTrigger');
    if (!fn) throw new Error(`No timer function ${name}`);
    this.track(this.deliverTick(fn));
  }

  /** Scan and deliver until nothing changes and nothing is in flight. */
  async idle(): Promise<void> {
    for (;;) {
      const changes = await this.scan();
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      if (changes === 0) return;
    }
  }

  private dispatch(fn: CapturedFunction, input: { data: RpcTypedData; triggerMetadata?: Record<string, RpcTypedData> }): void {
    this.track(
      (async () => {
        await this.deliver(fn, input);
        if (this.options.deliverTwice) await this.deliver(fn, input);
      })(),
    );
  }

  private track(task: Promise<void>): void {
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private giveUp(fn: CapturedFunction, event: unknown, attempts: number, err: unknown): void {
    const e = err as { code?: string; message?: string };
    this.poison.push({ function: fn.name, event, attempts, error: { code: e.code ?? 'Internal', message: e.message ?? String(err) }, time: new Date() });
  }

  /** One storage-queue message: the host dequeues it again after each failure, with `dequeueCount` one higher. */
  private async deliverQueueMessage(fn: CapturedFunction, body: string): Promise<void> {
    const id = randomUUID();
    const inserted = new Date();
    for (let dequeueCount = 1; ; dequeueCount++) {
      try {
        await invokeCaptured(fn, {
          data: { string: body },
          triggerMetadata: {
            QueueTrigger: { string: body },
            DequeueCount: { int: dequeueCount },
            Id: { string: id },
            InsertionTime: { string: inserted.toISOString() },
            ExpirationTime: { string: new Date(inserted.getTime() + 7 * 86_400_000).toISOString() },
            NextVisibleTime: { string: new Date().toISOString() },
            PopReceipt: { string: randomUUID() },
          },
        });
        return;
      } catch (err) {
        if (dequeueCount >= this.options.maxDequeueCount) return this.giveUp(fn, { queue: fn.trigger.queueName, body }, dequeueCount, err);
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 1) * 2 ** (dequeueCount - 1)));
      }
    }
  }

  /** One timer tick, retried per the function's retry policy (`retryContext.retryCount` counts retries). */
  private async deliverTick(fn: CapturedFunction): Promise<void> {
    const maxRetryCount = this.options.timerRetries ?? Number(fn.retryOptions?.maxRetryCount ?? 0);
    const now = new Date();
    const timer = { schedule: { adjustForDST: true }, scheduleStatus: { last: now.toISOString(), next: now.toISOString(), lastUpdated: now.toISOString() }, isPastDue: false };
    for (let retryCount = 0; ; retryCount++) {
      try {
        await invokeCaptured(fn, { data: { json: JSON.stringify(timer) }, ...(retryCount > 0 ? { retryContext: { retryCount, maxRetryCount } } : {}) });
        return;
      } catch (err) {
        if (retryCount >= maxRetryCount) return this.giveUp(fn, timer, retryCount + 1, err);
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 1) * 2 ** retryCount));
      }
    }
  }

  private async deliver(fn: CapturedFunction, input: { data: RpcTypedData; triggerMetadata?: Record<string, RpcTypedData> }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await invokeCaptured(fn, input);
        return;
      } catch (err) {
        if (attempt >= this.options.maxDequeueCount) return this.giveUp(fn, input, attempt, err);
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 1) * 2 ** (attempt - 1)));
      }
    }
  }
}

/** `RpcHttpCookie`: a cookie as the worker hands it to the host. */
type RpcCookie = {
  name: string;
  value: string;
  domain?: { value: string };
  path?: { value: string };
  expires?: { value: { seconds: number } };
  secure?: { value: boolean };
  httpOnly?: { value: boolean };
  sameSite?: string;
  maxAge?: { value: number };
};

/** The `Set-Cookie` line the host writes for a worker's cookie. */
function setCookieLine(c: RpcCookie): string {
  const parts = [`${c.name}=${c.value}`];
  if (c.domain) parts.push(`Domain=${c.domain.value}`);
  if (c.path) parts.push(`Path=${c.path.value}`);
  if (c.expires) parts.push(`Expires=${new Date(c.expires.value.seconds * 1000).toUTCString()}`);
  if (c.maxAge) parts.push(`Max-Age=${c.maxAge.value}`);
  if (c.secure?.value) parts.push('Secure');
  if (c.httpOnly?.value) parts.push('HttpOnly');
  if (c.sameSite && c.sameSite !== 'none') parts.push(`SameSite=${c.sameSite === 'explicitNone' ? 'None' : c.sameSite[0]?.toUpperCase() + c.sameSite.slice(1)}`);
  return parts.join('; ');
}

/** A `Microsoft.Storage.BlobDeleted` event in the Event Grid schema, as Storage publishes it. */
export function blobDeletedEvent(serviceUrl: string, container: string, name: string): Record<string, unknown> {
  return {
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/polyfaas/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
    subject: `/blobServices/default/containers/${container}/blobs/${name}`,
    eventType: 'Microsoft.Storage.BlobDeleted',
    eventTime: new Date().toISOString(),
    id: randomUUID(),
    data: {
      api: 'DeleteBlob',
      requestId: randomUUID(),
      contentType: 'application/octet-stream',
      blobType: 'BlockBlob',
      url: `${serviceUrl.replace(/\/$/, '')}/${container}/${name}`,
      sequencer: '0000000000000281000000000002F5CA',
      storageDiagnostics: { batchId: randomUUID() },
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}
