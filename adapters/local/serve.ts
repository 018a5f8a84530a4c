import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AppDefinition,
  Bucket,
  BucketBinding,
  DeadLetter,
  DeliveryOptions,
  FunctionInstance,
  HttpResponse,
  Logger,
  StorageEvent,
} from '../../src/index.js';
import {
  AppRuntime,
  createLogger,
  createMessageEvent,
  createScheduleEvent,
  errorResponse,
  EventDelivery,
  observeBucket,
  PolyfaasError,
  resumeDeliveries,
  retryDeadLetter,
} from '../../src/index.js';
import { parseCron } from '../../src/index.js';
import { registerSchemes } from './file-bucket.js';
import { readBodyWithLimit } from './http-body.js';
import { requestPath, toHttpRequest, writeHttpResponse } from './http-bridge.js';
import { openDeliveryJournal } from './journal-location.js';
import { MinuteScheduler } from './scheduler.js';

/**
 * Options for {@link serve}. Delivery options (`deliverTwice`, `retries`,
 * `retryDelayMs`, `onDeadLetter`) apply to storage, queue and schedule events.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { port: 8080, host: '0.0.0.0', deliverTwice: true, buckets: { data: 'file:///srv/data' } };
 * ```
 */
export interface ServeOptions extends DeliveryOptions {
  /** TCP port; 0 (the default) picks a free one, see {@link LocalServer.port}. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (not reachable from other machines). */
  host?: string;
  /** Logger; default JSON lines on stderr at `POLYFAAS_LOG_LEVEL` (or `info`). */
  log?: Logger;
  /**
   * Run every function's `init` before listening, so the first request is warm.
   * A failing init is logged and retried on the function's next event. Default true.
   */
  initOnStart?: boolean;
  /** Replace the app's bucket bindings, e.g. point `data` at a temp dir in tests. */
  buckets?: Record<string, BucketBinding>;
  /** Fire schedule triggers on their cron while the server runs. Default true. */
  schedules?: boolean;
  /**
   * How long a client that sent an oversized body may keep sending after its
   * 413 before the connection is cut. Default 2000 ms.
   */
  oversizeDrainMs?: number;
  /**
   * Directory of the delivery journal: storage, queue and schedule events are
   * recorded there before their first attempt and removed once they settle, so
   * events in flight when the process dies are delivered again by the next
   * `serve()` of the same app, and dead letters outlive the process. Default:
   * `<root>/.polyfaas/delivery/<app name>/` of the app's first `file://`
   * bucket; `false` (or no file bucket) keeps events in memory only.
   */
  stateDir?: string | false;
}

/**
 * An app served over real HTTP on this machine.
 *
 * @example
 * ```ts
 * const server = await serve(app);
 * await server.bucket('data').put('raw/1.png', png); // fires storage triggers
 * server.send('jobs', JSON.stringify({ epochs: 3 }));
 * await server.idle();
 * expect(server.deadLetters).toEqual([]);
 * await server.close();
 * ```
 */
export interface LocalServer {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** A logical bucket; writes through it fire the app's storage triggers. */
  bucket(name: string): Bucket;
  /** Publish a message to every function triggered by `queue`; `NotFound` if none listens. */
  send(queue: string, body: string | Uint8Array, attributes?: Record<string, string>): void;
  /** Fire a schedule-triggered function now, without waiting for its cron. */
  tick(name: string): void;
  /** Resolve once in-flight requests and every triggered event (and what they triggered) have settled. */
  idle(): Promise<void>;
  /** Events that failed every retry, oldest first, including those kept on disk by earlier runs (see {@link ServeOptions.stateDir}). */
  readonly deadLetters: readonly DeadLetter[];
  /** Deliver a dead letter's event again with a fresh retry budget. @throws PolyfaasError `NotFound` for an unknown id. */
  retryDeadLetter(id: string): Promise<void>;
  /** Stop listening, finish in-flight requests and events, then release the port. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serve an app on a local HTTP server: the embedded default runtime. HTTP
 * requests go through the same routing, body limits, warm-up handling and error
 * mapping as on every cloud; bucket writes fire storage triggers; queue
 * messages and cron schedules are delivered with retries, dead letters and
 * optional duplicate delivery. `file://` bucket URLs work without further setup.
 *
 * @example
 * ```ts
 * const server = await serve(app, { port: 3000, buckets: { data: 'file:///tmp/fashion' } });
 * console.log(`listening on ${server.url}`);
 * await fetch(`${server.url}/predict`, { method: 'POST', body: png });
 * await server.close();
 * ```
 */
export async function serve(app: AppDefinition, options: ServeOptions = {}): Promise<LocalServer> {
  registerSchemes();
  const log = options.log ?? createLogger({ fields: { app: app.name, provider: 'local' } });
  const journal = openDeliveryJournal(app, options.buckets, options.stateDir, log);
  const delivery = new EventDelivery(log, options, journal);
  // `rt` is only read when a bucket write emits, which cannot happen before create() returns.
  const emit = (event: StorageEvent) => {
    for (const target of rt.storageTargets(event)) delivery.dispatch(target, event);
  };
  const rt: AppRuntime = await AppRuntime.create(app, {
    provider: 'local',
    log,
    ...(options.buckets ? { buckets: options.buckets } : {}),
    wrapBucket: (name, bucket) => observeBucket(name, bucket, emit),
  });
  const scheduler = new MinuteScheduler(scheduleJobs(rt, delivery));
  // A failed init does not stop the server: as on every cloud, it is retried on the next event.
  if (options.initOnStart ?? true) await Promise.allSettled([...rt.instances.values()].map((i) => i.ensureInit()));
  const lookup = (name: string) => rt.instances.get(name);
  await resumeDeliveries(delivery, journal, lookup, log);

  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    track(
      handleRequest(rt, req, res, log, options.oversizeDrainMs ?? 2000).catch((err: unknown) => {
        // Last line of defence: a transport bug must cost one request, never the process.
        log.error('request handling crashed', { err });
        res.destroy();
      }),
    );
  const server = createServer(handle);
  // With this listener Node no longer answers `Expect: 100-continue` itself, so an
  // oversized upload can be refused before the client sends a byte of it.
  server.on('checkContinue', (req, res) => {
    const limit = rt.maxBodyBytesFor(req.method ?? 'GET', requestPath(req));
    if (Number(req.headers['content-length']) <= limit || req.headers['content-length'] === undefined) res.writeContinue();
    handle(req, res);
  });
  server.on('clientError', (err, socket) => {
    log.debug('malformed request', { err });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1', log);
  if (options.schedules ?? true) scheduler.start();

  const idle = async () => {
    do {
      await Promise.allSettled([...inflight]);
      await delivery.idle();
    } while (inflight.size > 0);
  };
  let closing: Promise<void> | undefined;
  const host = options.host ?? '127.0.0.1';
  log.info('listening', { url: baseUrl(host, port) });

  return {
    url: baseUrl(host, port),
    port,
    bucket: (name) => rt.bucket(name),
    send(queue, body, attributes = {}) {
      const targets = instancesWith(rt, (t) => t.type === 'queue' && t.queue === queue);
      if (targets.length === 0) throw new PolyfaasError('NotFound', `No function listens on queue "${queue}"`);
      const event = createMessageEvent({ queue, body, attributes, source: `polyfaas://local/queues/${queue}` });
      for (const target of targets) delivery.dispatch(target, event);
    },
    tick(name) {
      const instance = rt.instance(name);
      const trigger = instance.fn.trigger;
      if (trigger.type !== 'schedule') throw new PolyfaasError('InvalidArgument', `${name} is not schedule-triggered`);
      delivery.dispatch(instance, createScheduleEvent({ cron: trigger.cron, source: 'polyfaas://local/schedule' }));
    },
    idle,
    deadLetters: delivery.deadLetters,
    retryDeadLetter: (id) => retryDeadLetter(delivery, journal, lookup, id),
    close() {
      closing ??= (async () => {
        scheduler.stop();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await idle();
        // Keep-alive connections that went idle after close() was called.
        server.closeAllConnections();
        await stopped;
        log.info('closed');
      })();
      return closing;
    },
  };
}

/** Answer one request: failures become JSON error responses or, once headers are out, a cut connection. */
async function handleRequest(rt: AppRuntime, req: IncomingMessage, res: ServerResponse, log: Logger, drainMs: number): Promise<void> {
  const started = Date.now();
  const requestId = headerValue(req, 'x-request-id') ?? randomUUID();
  const method = req.method ?? 'GET';
  const path = requestPath(req);
  const reqLog = log.child({ requestId, method, path });
  // Errors on a dropped connection are expected; without listeners they would crash the process.
  req.on('error', (err) => reqLog.debug('request stream error', { err }));
  res.on('error', (err) => reqLog.debug('response stream error', { err }));
  try {
    const limit = rt.maxBodyBytesFor(method, path);
    const read = await readBodyWithLimit(req, limit);
    if (read.kind === 'aborted') {
      reqLog.debug('client went away before sending the whole body');
      return;
    }
    if (read.kind === 'too-large') {
      const err = new PolyfaasError('PayloadTooLarge', `Body exceeds the ${limit}-byte limit for ${method} ${path}`, {
        details: { limit },
      });
      refuseOversized(req, res, errorResponse(err, requestId, reqLog), requestId, drainMs);
      return;
    }
    const response = await rt.handleHttp(toHttpRequest(req, read.body, requestId), { requestId });
    if (res.destroyed || res.writableEnded) {
      reqLog.debug('client went away before the response');
      return;
    }
    try {
      writeHttpResponse(res, response, { 'x-request-id': requestId });
    } catch (err) {
      // Invalid status or header from the handler: nothing was sent yet, so answer 500 instead.
      const fallback = errorResponse(new PolyfaasError('Internal', 'Handler returned an invalid HTTP response', { cause: err }), requestId, reqLog);
      writeHttpResponse(res, fallback, { 'x-request-id': requestId });
    }
    reqLog.info('request', { status: res.statusCode, ms: Date.now() - started });
  } catch (err) {
    reqLog.error('request failed in transport', { err });
    if (!res.headersSent && !res.destroyed) writeHttpResponse(res, errorResponse(err, requestId, reqLog), { 'x-request-id': requestId });
    else res.destroy();
  }
}

/**
 * Answer 413 without reading the oversized body into memory. The rest of the
 * upload is discarded as it arrives (so the client, still writing, can read
 * the answer rather than hitting a reset), and the connection is cut if the
 * client keeps sending for longer than `drainMs`.
 */
function refuseOversized(req: IncomingMessage, res: ServerResponse, response: HttpResponse, requestId: string, drainMs: number): void {
  writeHttpResponse(res, response, { 'x-request-id': requestId, connection: 'close' });
  if (req.complete) return;
  const cut = setTimeout(() => req.socket.destroy(), drainMs);
  cut.unref();
  req.once('close', () => clearTimeout(cut));
  req.resume();
}

function scheduleJobs(rt: AppRuntime, delivery: EventDelivery) {
  return instancesWith(rt, (t) => t.type === 'schedule').map((instance) => {
    const cron = (instance.fn.trigger as { cron: string }).cron;
    return {
      schedule: parseCron(cron),
      fire: (scheduledTime: Date) =>
        delivery.dispatch(instance, createScheduleEvent({ cron, scheduledTime, source: 'polyfaas://local/schedule' })),
    };
  });
}

function instancesWith(rt: AppRuntime, match: (trigger: { type: string; queue?: string }) => boolean): FunctionInstance[] {
  return [...rt.instances.values()].filter((i) => match(i.fn.trigger));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

function listen(server: Server, port: number, host: string, log: Logger): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      reject(new PolyfaasError('Unavailable', `Cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (err) => log.error('server error', { err }));
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A URL clients on this machine can reach: wildcard binds are reached over loopback. */
function baseUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
