import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, PriceTable, StorageEvent, Trigger } from '../../../src/index.js';
import type { AppRuntime, DeadLetter, InvocationObserver } from '../../../src/adapter.js';
import { DEFAULT_PRICES, PolyfaasError } from '../../../src/index.js';
import { nodeRequestPath, summariseEvent } from '../../../src/adapter.js';
import { checkAccess, isStateChanging, sameSecret, TOKEN_COOKIE } from './access.js';
import { consoleCss, consolePage, consoleScript, PAGE_CSP } from './assets.js';
import { BucketApi } from './bucket-api.js';
import type { ConsoleCaller } from './console-auth.js';
import { ConsoleAuth } from './console-auth.js';
import { CostApi } from './cost-api.js';
import { ConsoleEvents } from './event-stream.js';
import { ModelApi } from './model-api.js';
import { CONSOLE_HEADERS, sendError, sendJson } from './respond.js';
import { TrainingFeed } from './training-feed.js';

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
   * For apps without `auth`: required of every console client when set
   * (`Authorization: Bearer`, or `/_polyfaas/?token=…` once, which sets an
   * HttpOnly cookie). Without it the console answers loopback clients only,
   * addressed as localhost. An app with `auth` guards its console with its own
   * credentials instead (scopes `console:read` and `console:write`), and
   * refuses this option.
   */
  token?: string;
  /** Invocations remembered for the console. Default 500. */
  capacity?: number;
  /** The prices the Cost page uses, for recent invocations and stored runs alike. Default `DEFAULT_PRICES`. */
  prices?: PriceTable;
}

/** What the console needs of the server it belongs to. */
export interface ConsoleHost {
  readonly rt: AppRuntime;
  readonly observer: InvocationObserver;
  readonly log: Logger;
  readonly bucketNames: readonly string[];
  readonly deadLetters: () => readonly DeadLetter[];
  readonly retryDeadLetter: (id: string) => Promise<void>;
  /** Where the app's API keys and secrets are read from (its environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The console's request handler, mounted in front of the app's routes. */
export interface LocalConsole {
  /** Handle a request under {@link CONSOLE_PATH}; `undefined` for any other path (the app's). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined;
  /** Every storage event of the app's buckets, so the console can push what it shows live (training progress). */
  onStorageEvent(event: StorageEvent): void;
  /** End live streams, so the server can close. */
  close(): void;
}

/**
 * The web console of a local server: pages and a JSON API for functions,
 * invocations (live), dead letters, buckets, models, training (live) and cost.
 * Every request passes the app's auth ({@link ConsoleAuth}) when it has one,
 * and {@link checkAccess} always.
 *
 * @throws `InvalidArgument` for `token` on an app with auth: one way in, not two.
 */
export function createConsole(host: ConsoleHost, options: ConsoleOptions): LocalConsole {
  const csrf = randomBytes(24).toString('base64url');
  const token = options.token || undefined;
  const log = host.log.child({ component: 'console' });
  const appAuth = ConsoleAuth.forApp(host.rt.app.auth, host.env, log, host.rt.app.name);
  if (appAuth && token) throw new PolyfaasError('InvalidArgument', 'console.token is for apps without auth: this app’s auth guards its console (scopes console:read, console:write)');
  const buckets = new BucketApi(host.rt, host.bucketNames);
  const events = new ConsoleEvents(host.observer);
  const models = new ModelApi(host.rt, host.bucketNames);
  const training = new TrainingFeed(host.rt, host.bucketNames, events);
  const cost = new CostApi(host.rt, host.observer, host.bucketNames, options.prices ?? DEFAULT_PRICES);

  /** Who may do what, or the refusal. */
  const admit = async (req: IncomingMessage, method: string, path: string, query: URLSearchParams): Promise<ConsoleCaller> => {
    const facts = { remoteAddress: req.socket.remoteAddress, method, headers: req.headers };
    if (appAuth) {
      const offered = path === '' && method === 'GET' ? (query.get('token') ?? undefined) : undefined;
      const caller = await appAuth.authenticate(req.headers, isStateChanging(method) ? 'write' : 'read', log, offered);
      if (caller instanceof PolyfaasError) throw caller;
      const denied = checkAccess(facts, { csrf, authenticated: true });
      if (denied) throw denied;
      return caller;
    }
    const denied = checkAccess(facts, { csrf, ...(token ? { token } : {}) });
    if (denied && !(path === '' && token && method === 'GET' && sameSecret(query.get('token') ?? undefined, token))) throw denied;
    return { subject: token ? 'token holder' : 'this machine', canWrite: true };
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const caller = await admit(req, method, path, query);
    const get = method === 'GET' || method === 'HEAD';
    if (path === '') {
      if (!get) throw notAllowed(method);
      const offered = query.get('token');
      if ((token || appAuth) && offered) {
        // Trade the credential in the URL for a cookie, and drop it from the address bar and history.
        res.writeHead(303, { ...CONSOLE_HEADERS, location: CONSOLE_PATH, 'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(offered)}; HttpOnly; SameSite=Strict; Path=${CONSOLE_PATH}` });
        res.end();
        return;
      }
      return send(res, 'text/html; charset=utf-8', consolePage(host.rt.app.name, csrf), { 'content-security-policy': PAGE_CSP });
    }
    if (path === 'console.css' && get) return send(res, 'text/css; charset=utf-8', consoleCss());
    if (path === 'console.js' && get) return send(res, 'text/javascript; charset=utf-8', await consoleScript());
    if (path === 'api/functions' && get) return sendJson(res, 200, functionsView(host));
    if (path === 'api/invocations' && get) return sendJson(res, 200, { records: host.observer.records(), dropped: host.observer.dropped });
    if (path === 'api/session' && get) return sendJson(res, 200, { access: appAuth ? 'app-auth' : token ? 'token' : 'localhost', subject: caller.subject, canWrite: caller.canWrite });
    // One stream for every live page; the old name stays for clients that use it.
    if ((path === 'api/events' || path === 'api/invocations/stream') && get) return events.attach(res);
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
    if (path === 'api/models' && get) return models.list(res);
    const model = /^api\/models\/([a-z][a-z0-9-]{0,62})\/([^/]+)(\/promote|\/report)?$/.exec(path);
    if (model) {
      const [, bucket, name, action] = model as unknown as [string, string, string, string | undefined];
      const modelName = decodeURIComponent(name);
      if (action === undefined && get) return models.detail(bucket, modelName, res);
      if (action === '/report' && get) return models.report(bucket, modelName, query, res);
      if (action === '/promote' && method === 'POST') return models.promote(bucket, modelName, req, res);
      throw notAllowed(method);
    }
    if (path === 'api/training' && get) return training.list(res);
    if (path === 'api/cost' && get) return cost.overview(res);
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
    onStorageEvent: (event) => training.onStorageEvent(event),
    close: () => events.close(),
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
