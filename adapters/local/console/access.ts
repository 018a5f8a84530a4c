import { timingSafeEqual } from 'node:crypto';
import { PolyfaasError } from '../../../src/index.js';

/** The header every state-changing console request carries, holding the server's CSRF token. */
export const CSRF_HEADER = 'x-polyfaas-csrf';
/** The cookie a browser keeps the console token in after opening `/_polyfaas/?token=…`. */
export const TOKEN_COOKIE = 'polyfaas_console';

/** What {@link checkAccess} looks at in one request. */
export interface AccessFacts {
  /** The peer's address as the socket reports it (`127.0.0.1`, `::1`, `::ffff:10.0.0.2`…). */
  readonly remoteAddress: string | undefined;
  readonly method: string;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** The secrets access is checked against. */
export interface AccessSecrets {
  /** Required of every client when set (see `ConsoleOptions.token`); without it only this machine gets in. */
  readonly token?: string;
  /** This server's CSRF token, embedded in the console page. */
  readonly csrf: string;
  /** The app's own auth already authenticated the caller (see `console-auth.ts`): only the cross-site checks remain. */
  readonly authenticated?: boolean;
}

/**
 * Decide whether a console request may proceed; the failure to answer when not.
 *
 * - Without a token, only loopback clients that name a loopback host get in:
 *   other machines are refused, and so is a page that reached this server
 *   through a DNS name it rebound to 127.0.0.1 (its `Host` is that name).
 * - With a token, every client must present it (`Authorization: Bearer` or
 *   the cookie), loopback ones too: behind a reverse proxy everyone is loopback.
 * - When the app's auth authenticated the caller, neither of the above applies.
 * - State-changing methods must carry the CSRF header (which only the
 *   console's own page can read), and must not come from another site
 *   (`Origin`, `Sec-Fetch-Site`).
 */
export function checkAccess(facts: AccessFacts, secrets: AccessSecrets): PolyfaasError | undefined {
  if (secrets.authenticated) {
    // The app's credentials were checked; where the client connects from no longer matters.
  } else if (secrets.token !== undefined) {
    if (!presentsToken(facts.headers, secrets.token)) return new PolyfaasError('Unauthorized', 'The console needs its token: open /_polyfaas/?token=<token> or send Authorization: Bearer <token>');
  } else {
    if (!isLoopback(facts.remoteAddress)) {
      return new PolyfaasError('Forbidden', 'The console only answers this machine; set serve({ console: { token } }) to open it to others');
    }
    if (!isLoopbackHost(header(facts.headers, 'host'))) return new PolyfaasError('Forbidden', 'The console answers only requests addressed to localhost');
  }
  if (!isStateChanging(facts.method)) return undefined;
  const site = header(facts.headers, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return new PolyfaasError('Forbidden', 'Cross-site request refused');
  const origin = header(facts.headers, 'origin');
  if (origin !== undefined && origin !== `http://${header(facts.headers, 'host') ?? ''}`) return new PolyfaasError('Forbidden', 'Cross-site request refused');
  if (!sameSecret(header(facts.headers, CSRF_HEADER), secrets.csrf)) return new PolyfaasError('Forbidden', `Missing or wrong ${CSRF_HEADER} header`);
  return undefined;
}

/** True for methods that change something. */
export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/** True for an IPv4 loopback (127/8), IPv6 `::1`, or IPv4-mapped loopback address. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** True when a `Host` header names this machine: `localhost`, a 127/8 address or `[::1]`, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

function presentsToken(headers: AccessFacts['headers'], token: string): boolean {
  const auth = header(headers, 'authorization');
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return true;
  return sameSecret(readCookie(header(headers, 'cookie'), TOKEN_COOKIE), token);
}

/** One cookie's value from a `Cookie` header. */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Constant-time comparison, so response timing does not leak how much of a guess was right. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

function header(headers: AccessFacts['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
