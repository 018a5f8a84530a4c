import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Trigger } from '../../../src/index.js';
import type { AppRuntime, DeadLetter, InvocationObserver } from '../../../src/adapter.js';
import { PolyfaasError } from '../../../src/index.js';
import { nodeRequestPath, summariseEvent } from '../../../src/adapter.js';
import { checkAccess, sameSecret, TOKEN_COOKIE } from './access.js';
import { consoleCss, consolePage, consoleScript, PAGE_CSP } from './assets.js';
import { BucketApi } from './bucket-api.js';
import { InvocationStreams } from './invocation-stream.js';
import { CONSOLE_HEADERS, sendError, sendJson } from './respond.js';

/** Where the console lives on the local server. */
export const CONSOLE_PATH = '/_polyfaas/';

/**
 * Options of the local console (`serve(app, { console })`).
 *
 * @example
 * ```ts
 * await serve(app, { host: '0.0.0.0', console: { token: process.env.CONSOLE_TOKEN } });
 * // then open http://<host>:<port>/_polyfaas/?token=<token> once; a cookie keeps it
 * ```
 */
export interface ConsoleOptions {
  /**
   * Required of every console client when set (`Authorization: Bearer`, or
   * `/_polyfaas/?token=…` once, which sets an HttpOnly cookie). Without it the
   * console answers loopback clients only, addressed as localhost.
   */
  token?: string;
  /** Invocations remembered for the console. Default 500. */
  capacity?: number;
}

/** What the console needs of the server it belongs to. */
export interface ConsoleHost {
  readonly rt: AppRuntime;
  readonly observer: InvocationObserver;
  readonly log: Logger;
  readonly bucketNames: readonly string[];
  readonly deadLetters: () => readonly DeadLetter[];
  readonly retryDeadLetter: (id: string) => Promise<void>;
}

/** The console's request handler, mounted in front of the app's routes. */
export interface LocalConsole {
  /** Handle a request under {@link CONSOLE_PATH}; `undefined` for any other path (the app's). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined;
  /** End live streams, so the server can close. */
  close(): void;
}

/**
 * The web console of a local server: pages and a JSON API for functions,
 * invocations (live), dead letters and buckets. Every request passes
 * {@link checkAccess} first.
 */
export function createConsole(host: ConsoleHost, options: ConsoleOptions): LocalConsole {
  const csrf = randomBytes(24).toString('base64url');
  const token = options.token || undefined;
  const buckets = new BucketApi(host.rt, host.bucketNames);
  const streams = new InvocationStreams(host.observer);
  const log = host.log.child({ component: 'console' });

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const denied = checkAccess({ remoteAddress: req.socket.remoteAddress, method, headers: req.headers }, { csrf, ...(token ? { token } : {}) });
    if (denied && !(path === '' && token && method === 'GET' && sameSecret(query.get('token') ?? undefined, token))) throw denied;
    const get = method === 'GET' || method === 'HEAD';
    if (path === '') {
      if (!get) throw notAllowed(method);
      if (token && query.has('token')) {
        // Trade the token in the URL for a cookie, and drop it from the address bar and history.
        res.writeHead(303, { ...CONSOLE_HEADERS, location: CONSOLE_PATH, 'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=${CONSOLE_PATH}` });
        res.end();
        return;
      }
      return send(res, 'text/html; charset=utf-8', consolePage(host.rt.app.name, csrf), { 'content-security-policy': PAGE_CSP });
    }
    if (path === 'console.css' && get) return send(res, 'text/css; charset=utf-8', consoleCss());
    if (path === 'console.js' && get) return send(res, 'text/javascript; charset=utf-8', await consoleScript());
    if (path === 'api/functions' && get) return sendJson(res, 200, functionsView(host));
    if (path === 'api/invocations' && get) return sendJson(res, 200, { records: host.observer.records(), dropped: host.observer.dropped });
    if (path === 'api/invocations/stream' && get) return streams.attach(res);
    if (path === 'api/dead-letters' && get) return sendJson(res, 200, { deadLetters: host.deadLetters().map(letterView) });
    const retry = /^api\/dead-letters\/([^/]+)\/retry$/.exec(path);
    if (retry && method === 'POST') {
      await host.retryDeadLetter(decodeURIComponent(retry[1] as string));
      return sendJson(res, 202, { retried: true });
    }
    if (path === 'api/buckets' && get) return sendJson(res, 200, { buckets: buckets.names });
    const objects = /^api\/buckets\/([a-z][a-z0-9-]{0,62})\/(objects|object)$/.exec(path);
    if (objects) {
      const [, name, what] = objects as unknown as [string, string, string];
      if (what === 'objects' && get) return buckets.list(name, query, res);
      if (what === 'object' && get) return buckets.read(name, query, res);
      if (what === 'object' && method === 'PUT') return buckets.upload(name, query, req, res);
      if (what === 'object' && method === 'DELETE') return buckets.remove(name, query, res);
      throw notAllowed(method);
    }
    throw new PolyfaasError('NotFound', 'No such console page');
  };

  return {
    handle(req, res) {
      const full = nodeRequestPath(req);
      if (full !== CONSOLE_PATH.slice(0, -1) && !full.startsWith(CONSOLE_PATH)) return undefined;
      return (async () => {
        try {
          if (full === CONSOLE_PATH.slice(0, -1)) {
            res.writeHead(308, { ...CONSOLE_HEADERS, location: CONSOLE_PATH });
            res.end();
            return;
          }
          const url = new URL(req.url ?? '/', 'http://console.invalid');
          await route(req, res, full.slice(CONSOLE_PATH.length), url.searchParams);
        } catch (err) {
          sendError(res, err, log);
        }
      })();
    },
    close: () => streams.close(),
  };
}

function send(res: ServerResponse, type: string, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body);
  res.writeHead(200, { ...CONSOLE_HEADERS, ...headers, 'content-type': type, 'content-length': bytes.byteLength });
  res.end(bytes);
}

function notAllowed(method: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', `Method ${method.slice(0, 10)} not allowed here`);
}

/** Each function with its trigger, instance state and last invocations. */
function functionsView(host: ConsoleHost) {
  const records = host.observer.records();
  return {
    app: host.rt.app.name,
    functions: host.rt.functions.map((fn) => {
      const instance = host.rt.instance(fn.name);
      return {
        name: fn.name,
        trigger: fn.trigger as Trigger,
        state: instance.initState,
        // Only functions with an init have an init time worth showing.
        ...(fn.init && instance.initMs !== undefined ? { initMs: instance.initMs } : {}),
        recent: records.filter((r) => r.function === fn.name).slice(-5).reverse(),
      };
    }),
  };
}

/** A dead letter as the console shows it: an internal failure's message stays in the log. */
function letterView(letter: DeadLetter) {
  const internal = letter.error.code === 'Internal' || letter.error.code === 'DataLoss';
  return {
    id: letter.id,
    function: letter.function,
    attempts: letter.attempts,
    error: { code: letter.error.code, message: internal ? 'Internal error' : letter.error.message.slice(0, 500) },
    time: new Date(letter.time).toISOString(),
    summary: summariseEvent(letter.event),
  };
}
