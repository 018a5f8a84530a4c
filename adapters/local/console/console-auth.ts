import type { AuthInfo, AuthOptions, Logger } from '../../../src/index.js';
import { createHttpRequest, PolyfaasError } from '../../../src/index.js';
import { HttpGuard } from '../../../src/auth/guard.js';
import { hasAuthMethod } from '../../../src/auth/policy.js';
import { readCookie, TOKEN_COOKIE } from './access.js';

/** The scope that lets a caller look at the console: pages, listings, streams, reports. */
export const CONSOLE_READ_SCOPE = 'console:read';
/** The scope that lets a caller change something through the console (upload, delete, retry, promote); implies read. */
export const CONSOLE_WRITE_SCOPE = 'console:write';

/** What a request may do. */
export type ConsoleNeed = 'read' | 'write';

/** Who is using the console, as {@link ConsoleAuth.authenticate} found. */
export interface ConsoleCaller {
  readonly subject: string;
  readonly canWrite: boolean;
}

/**
 * The console's access check when the app has `auth` with a way to
 * authenticate callers (API keys, JWT, platform): the app's own credentials,
 * checked by the same {@link HttpGuard} its functions use, with the console's
 * two scopes ({@link CONSOLE_READ_SCOPE}, {@link CONSOLE_WRITE_SCOPE}) instead
 * of the functions' scopes. The app's rate limit is not applied: one page
 * view makes several requests and holds a stream open.
 *
 * A browser presents its key or token once (`/_polyfaas/?token=…`), which
 * the console keeps in an HttpOnly cookie; scripts send `Authorization:
 * Bearer` or `x-api-key` as they do to the app.
 */
export class ConsoleAuth {
  private readonly guard: HttpGuard;

  private constructor(auth: AuthOptions, env: Readonly<Record<string, string | undefined>>, log: Logger, realm: string) {
    const { scopes: _scopes, rateLimit: _rateLimit, ...methods } = auth;
    this.guard = new HttpGuard(methods, { env, log, realm, verifiers: new Map() }, 'console');
  }

  /** The check for an app's `auth`, or `undefined` when it names no way to authenticate (the console then guards itself). */
  static forApp(auth: AuthOptions | undefined, env: Readonly<Record<string, string | undefined>>, log: Logger, realm: string): ConsoleAuth | undefined {
    return auth && hasAuthMethod(auth) ? new ConsoleAuth(auth, env, log, realm) : undefined;
  }

  /**
   * Who presents these headers (a credential header, else the console cookie,
   * else `token` when given), or the refusal: `Unauthorized` without valid
   * credentials, `Forbidden` without the scope `need` asks for.
   */
  async authenticate(headers: Readonly<Record<string, string | string[] | undefined>>, need: ConsoleNeed, log: Logger, token?: string): Promise<ConsoleCaller | PolyfaasError> {
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    const presented = token ?? readCookie(flat.cookie, TOKEN_COOKIE);
    if (token !== undefined || (flat.authorization === undefined && flat['x-api-key'] === undefined && presented !== undefined)) {
      delete flat['x-api-key'];
      flat.authorization = `Bearer ${presented}`;
    }
    const outcome = await this.guard.check(createHttpRequest({ method: 'GET', path: '/_polyfaas/', headers: flat }), undefined, undefined, log);
    if (!outcome.allowed || !outcome.auth) return new PolyfaasError('Unauthorized', 'The console needs the app’s credentials: open /_polyfaas/?token=<API key or token>, or send Authorization: Bearer');
    const caller = callerOf(outcome.auth);
    if (!caller) return new PolyfaasError('Forbidden', `The console needs the ${CONSOLE_READ_SCOPE} or ${CONSOLE_WRITE_SCOPE} scope`);
    if (need === 'write' && !caller.canWrite) return new PolyfaasError('Forbidden', `This change needs the ${CONSOLE_WRITE_SCOPE} scope; these credentials are read-only`);
    return caller;
  }
}

function callerOf(auth: AuthInfo): ConsoleCaller | undefined {
  const canWrite = auth.scopes.includes(CONSOLE_WRITE_SCOPE);
  if (!canWrite && !auth.scopes.includes(CONSOLE_READ_SCOPE)) return undefined;
  return { subject: auth.subject, canWrite };
}
