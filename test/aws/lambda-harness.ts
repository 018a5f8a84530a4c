import type { AppDefinition, HttpRequestInit, LogRecord } from '../../src/index.js';
import type { DeadLetter, HttpResult } from '../../src/adapter.js';
import type { RunningApp } from '../../src/testing/index.js';
import { createLogger, DEFAULT_RETRIES, PolyfaasError } from '../../src/index.js';
import { toHttpResult } from '../../src/adapter.js';
import { toLambda } from '../../adapters/aws/lambda/to-lambda.js';
import { S3Bucket } from '../../adapters/aws/s3/s3-bucket.js';
import { fakeLambdaContext } from './lambda-context.js';
import { deliverSqsBatch, scheduledEvent } from './lambda-queues.js';
import type { LocalS3 } from './s3-server.js';

let apps = 0;

/** S3 URL-encodes keys in notifications like a form (`+` for space); s3rver does not, so do it here. */
export function s3EncodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%20/g, '+'))
    .join('/');
}

/** An API Gateway HTTP API (payload v2) event for a request, as API Gateway builds it. */
export function httpApiEvent(init: HttpRequestInit): Record<string, unknown> {
  const body = init.body;
  const binary = body instanceof Uint8Array;
  const method = (init.method ?? 'GET').toUpperCase();
  const path = init.path.startsWith('/') ? init.path : `/${init.path}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(init.query ?? {}).toString(),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'local.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'local',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'polyfaas-test' },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body === undefined ? {} : { body: binary ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: binary,
  };
}

/** A Lambda HTTP result as a client sees it through API Gateway. */
export function resultToHttp(result: unknown): HttpResult {
  const r = result as { statusCode: number; headers?: Record<string, string>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const bytes = r.body ? (r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8')) : Buffer.alloc(0);
  // API Gateway sends each entry of `cookies` as its own Set-Cookie line.
  return toHttpResult(r.statusCode, { ...(r.headers ?? {}), ...(r.cookies?.length ? { 'set-cookie': r.cookies } : {}) }, new Uint8Array(bytes));
}

/**
 * Start an app the way AWS runs it, against a local S3: HTTP requests become
 * API Gateway v2 events for the app's routing Lambda; every change s3rver
 * reports becomes an S3 notification (keys URL-encoded as S3 does) invoked
 * asynchronously on each storage function's own Lambda handler, with Lambda's
 * async semantics: a failed invocation is retried with the same request id,
 * then dead-lettered (Lambda's on-failure destination). Queue messages go
 * through an emulated SQS event source mapping (batches, partial batch
 * failures, receive counts, redrive to a DLQ; see `deliverSqsBatch`), ticks
 * are EventBridge scheduled events from a rule named `<app>-<function>`,
 * invoked asynchronously on the function's handler.
 */
export async function startOnLambda(s3: LocalS3, app: AppDefinition, options: { deliverTwice?: boolean; retries?: number }): Promise<RunningApp> {
  const id = ++apps;
  const buckets: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const logical of Object.keys(app.buckets)) {
    const name = `lambda-${id}-${logical.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63);
    await s3.createBucket(name);
    buckets[logical] = `s3://${name}`;
    names.set(name, logical);
  }
  const failures: LogRecord[] = [];
  const log = createLogger({ level: 'warn', sink: (r) => failures.push(r) });
  const lambda = toLambda(app, { env: {}, buckets, s3: { client: s3.client }, log });
  const deadLetters: DeadLetter[] = [];
  const pending = new Set<Promise<void>>();
  let lastEvent = Date.now();

  const invokeAsync = async (fn: string, event: unknown) => {
    const handler = lambda.functions[fn];
    const maxAttempts = 1 + (options.retries ?? app.functions.find((f) => f.name === fn)?.retries ?? DEFAULT_RETRIES);
    const requestId = crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        await handler?.(event, fakeLambdaContext({ requestId, timeoutMs: 30_000 }));
        return;
      } catch (err) {
        if (attempt >= maxAttempts) {
          const code = err instanceof PolyfaasError ? err.code : 'Internal';
          deadLetters.push({ function: fn, event, attempts: attempt, error: { code, message: err instanceof Error ? err.message : String(err) }, time: new Date() });
          return;
        }
        await new Promise((r) => setTimeout(r, 5 * attempt));
      }
    }
  };

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const retriesOf = (fn: string) => options.retries ?? app.functions.find((f) => f.name === fn)?.retries ?? DEFAULT_RETRIES;

  const storageFunctions = app.functions.filter((f) => f.trigger.type === 'storage').map((f) => f.name);
  const unsubscribe = s3.onEvent((event) => {
    const ours = event.Records.filter((r) => names.has(r.s3.bucket.name));
    if (ours.length === 0) return;
    lastEvent = Date.now();
    const notification = { Records: ours.map((r) => ({ ...r, s3: { ...r.s3, object: { ...r.s3.object, key: s3EncodeKey(r.s3.object.key) } } })) };
    for (const fn of storageFunctions) {
      const task = (async () => {
        await invokeAsync(fn, notification);
        if (options.deliverTwice) await invokeAsync(fn, notification);
      })();
      pending.add(task);
      void task.finally(() => pending.delete(task));
    }
  });

  return {
    async http(init) {
      return resultToHttp(await lambda.handler(httpApiEvent(init), fakeLambdaContext({ timeoutMs: 30_000 })));
    },
    bucket: (logical) => {
      const url = buckets[logical];
      if (!url) throw new PolyfaasError('InvalidArgument', `Unknown bucket "${logical}"`);
      return new S3Bucket(url, { client: s3.client });
    },
    // Notifications arrive a moment after the write that caused them: settle only after a quiet spell.
    async idle() {
      for (;;) {
        if (pending.size > 0) await Promise.allSettled([...pending]);
        await new Promise((r) => setTimeout(r, 100));
        if (pending.size === 0 && Date.now() - lastEvent >= 150) return;
      }
    },
    async send(queue, body) {
      const listeners = app.functions.filter((f) => f.trigger.type === 'queue' && f.trigger.queue === queue);
      if (listeners.length === 0) throw new PolyfaasError('NotFound', `No event source mapping for queue ${queue}`);
      for (const fn of listeners) {
        const handler = lambda.functions[fn.name] as NonNullable<(typeof lambda.functions)[string]>;
        track(deliverSqsBatch(handler, fn.name, queue, typeof body === 'string' ? [body] : body, 1 + retriesOf(fn.name), deadLetters, () => failures));
      }
    },
    async tick(name) {
      const event = scheduledEvent(`${app.name}-${name}`);
      track(invokeAsync(name, event));
    },
    deadLetters: () => deadLetters,
    async close() {
      unsubscribe();
      await Promise.allSettled([...pending]);
    },
  };
}
