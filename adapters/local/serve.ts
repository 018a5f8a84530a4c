import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDefinition, Bucket, BucketBinding, Logger, StorageEvent } from '../../src/index.js';
import type { DeadLetter, DeliveryOptions, InvocationRecord } from '../../src/adapter.js';
import { createLogger, createMessageEvent, createScheduleEvent, PolyfaasError } from '../../src/index.js';
import { AppRuntime, EventDelivery, InvocationObserver, observeBucket, resumeDeliveries, retryDeadLetter } from '../../src/adapter.js';
import { parseCron } from '../../src/adapter.js';
import type { ConsoleOptions } from './console/console.js';
import { CONSOLE_PATH, createConsole } from './console/console.js';
import { registerSchemes } from './schemes.js';
import type { HttpServerLimits } from './http-server.js';
import { createHttpServer } from './http-server.js';
import { openDeliveryJournal } from './journal-location.js';
import { MinuteScheduler } from './scheduler.js';
import type { LocalPool } from './worker-pool.js';
import { localPoolInvoker } from './worker-pool.js';

/**
 * Options for {@link serve}. Delivery options (`deliverTwice`, `retries`,
 * `retryDelayMs`, `onDeadLetter`) apply to storage, queue and schedule events.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { port: 8080, host: '0.0.0.0', deliverTwice: true, buckets: { data: 'file:///srv/data' } };
 * ```
 */
export interface ServeOptions extends DeliveryOptions, HttpServerLimits {
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
  /** Token HTTP warm-up pings must carry (see `AppRuntimeOptions.warmupToken`). Default `POLYFAAS_WARMUP_TOKEN`. */
  warmupToken?: string;
  /**
   * Directory of the delivery journal: storage, queue and schedule events are
   * recorded there before their first attempt and removed once they settle, so
   * events in flight when the process dies are delivered again by the next
   * `serve()` of the same app, and dead letters outlive the process. Default:
   * `<root>/.polyfaas/delivery/<app name>/` of the app's first `file://`
   * bucket; `false` (or no file bucket) keeps events in memory only.
   */
  stateDir?: string | false;
  /**
   * The web console at `/_polyfaas/` (functions, live invocations, dead
   * letters, buckets, try-it). On by default for loopback clients only; give
   * it a `token` to open it to other machines, or `false` to turn it (and the
   * invocation recording behind it) off.
   */
  console?: ConsoleOptions | false;
  /** Record invocations here (e.g. to total a run's compute time and cost); the console, if on, shows the same records. */
  observer?: InvocationObserver;
  /**
   * Run storage, queue and schedule invocations in a pool of worker processes
   * (real parallelism) instead of this process, with the same delivery:
   * attempts, retries, dead letters, and the storage events their bucket
   * writes raise. Each worker loads the app from `module`; buckets must be
   * `file://` (or other URL) bindings every process can open. HTTP requests
   * stay in this process. The workers' invocations are recorded by this
   * server's `observer` (and console) like the ones that run here; what their
   * functions send with `sendToPoolParent` (e.g. progress) arrives in `onMessage`.
   */
  workers?: { module: string; export?: string; count?: number; onMessage?: (message: unknown) => void };
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
  /** The console's address, e.g. `http://127.0.0.1:43121/_polyfaas/`; undefined with `console: false`. */
  readonly consoleUrl: string | undefined;
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
  // `rt` (and the pool) are only read when an event is delivered, which cannot happen before create() returns.
  let pool: LocalPool | undefined;
  const delivery = new EventDelivery(log, options, () => (pool ? pooled(rt, pool) : rt), journal);
  // The console (created below, once the runtime exists) watches writes too: that is how it streams training progress.
  const watch: { console?: (event: StorageEvent) => void } = {};
  const emit = (event: StorageEvent) => {
    void delivery.publish(event);
    watch.console?.(event);
  };
  const consoleOptions = options.console ?? {};
  const observer = options.observer ?? (consoleOptions ? new InvocationObserver(consoleOptions.capacity ? { capacity: consoleOptions.capacity } : {}) : undefined);
  const rt: AppRuntime = await AppRuntime.create(app, {
    provider: 'local',
    log: observer ? observer.tapLogger(log) : log,
    ...(observer ? { observer } : {}),
    ...(options.buckets ? { buckets: options.buckets } : {}),
    ...(options.warmupToken !== undefined ? { warmupToken: options.warmupToken } : {}),
    wrapBucket: (name, bucket) => observeBucket(name, bucket, emit),
  });
  if (options.workers) {
    pool = await localPoolInvoker({
      module: options.workers.module,
      ...(options.workers.export ? { export: options.workers.export } : {}),
      ...(options.workers.count ? { workers: options.workers.count } : {}),
      buckets: urlBindings({ ...app.buckets, ...options.buckets }),
      emitStorageEvents: true,
      onStorageEvent: emit,
      // The same observer as in-process invocations: the console, cost and progress listeners see no difference.
      ...(observer ? { onInvocation: (record: InvocationRecord) => observer.adopt(record) } : {}),
      ...(options.workers.onMessage ? { onMessage: options.workers.onMessage } : {}),
    });
  }
  const scheduler = new MinuteScheduler(scheduleJobs(rt, delivery));
  // A failed init does not stop the server: as on every cloud, it is retried on the next event.
  if (options.initOnStart ?? true) await Promise.allSettled([...rt.instances.values()].map((i) => i.ensureInit()));
  const has = (name: string) => rt.instances.has(name);
  await resumeDeliveries(delivery, journal, has, log);

  const inflight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  const webConsole =
    observer && consoleOptions
      ? createConsole(
          {
            rt,
            observer,
            log,
            bucketNames: Object.keys({ ...app.buckets, ...options.buckets }),
            deadLetters: () => delivery.deadLetters,
            retryDeadLetter: (id) => retryDeadLetter(delivery, journal, has, id),
            env: process.env,
          },
          consoleOptions,
        )
      : undefined;
  if (webConsole) watch.console = webConsole.onStorageEvent;
  const server = createHttpServer(rt, log, options, track, webConsole?.handle);
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
  const consoleUrl = webConsole ? `${baseUrl(host, port)}${CONSOLE_PATH}` : undefined;
  log.info('listening', { url: baseUrl(host, port), ...(consoleUrl ? { console: consoleUrl } : {}) });

  return {
    url: baseUrl(host, port),
    port,
    consoleUrl,
    bucket: (name) => rt.bucket(name),
    send(queue, body, attributes = {}) {
      delivery.publish(createMessageEvent({ queue, body, attributes, source: `polyfaas://local/queues/${queue}` }));
    },
    tick(name) {
      const trigger = rt.instance(name).fn.trigger;
      const cron = trigger.type === 'schedule' ? trigger.cron : '';
      delivery.publish(createScheduleEvent({ cron, source: 'polyfaas://local/schedule' }), { function: name });
    },
    idle,
    deadLetters: delivery.deadLetters,
    retryDeadLetter: (id) => retryDeadLetter(delivery, journal, has, id),
    close() {
      closing ??= (async () => {
        scheduler.stop();
        webConsole?.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await idle();
        // Keep-alive connections that went idle after close() was called.
        server.closeAllConnections();
        await stopped;
        await pool?.close();
        log.info('closed');
      })();
      return closing;
    },
  };
}

function scheduleJobs(rt: AppRuntime, delivery: EventDelivery) {
  return rt.functions.flatMap((fn) => {
    const trigger = fn.trigger;
    if (trigger.type !== 'schedule') return [];
    return [
      {
        schedule: parseCron(trigger.cron),
        fire: (scheduledTime: Date) =>
          delivery.dispatch(fn.name, createScheduleEvent({ cron: trigger.cron, scheduledTime, source: 'polyfaas://local/schedule' })),
      },
    ];
  });
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

/** The runtime the delivery loop sees when a pool runs the events: routing here, invocations there. */
function pooled(rt: AppRuntime, pool: LocalPool): Pick<AppRuntime, 'handleEvent' | 'eventTargets' | 'instance'> {
  return { handleEvent: (input, facts = {}) => pool.handleEvent(input, facts), eventTargets: (input, facts) => rt.eventTargets(input, facts), instance: (name) => rt.instance(name) };
}

/** Bucket bindings a worker process can open: URLs only. */
function urlBindings(bindings: Record<string, BucketBinding>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, binding] of Object.entries(bindings)) {
    if (typeof binding !== 'string') throw new PolyfaasError('InvalidArgument', `serve({ workers }) needs bucket "${name}" bound by URL (file://…), not an object`);
    out[name] = binding;
  }
  return out;
}
