import { PolyfaasError } from '../errors.js';
import { validateApiKeyRecords } from './api-keys.js';
import { validateJwtOptions } from './jwt.js';
import { validateRateLimit } from './rate-limit.js';
import type { AuthOptions, FunctionAuth, JwtOptions } from './types.js';

const SCOPE = /^[\x21-\x7e]{1,128}$/;

/** Checks an app's or a function's `auth`; throws `InvalidArgument` naming `where`. */
export function validateAuth(auth: FunctionAuth, where: string): void {
  if (auth === 'public') return;
  if (typeof auth !== 'object' || auth === null) throw new PolyfaasError('InvalidArgument', `${where}: auth must be an object or 'public'`);
  const known = new Set(['apiKeys', 'jwt', 'platform', 'scopes', 'rateLimit']);
  for (const field of Object.keys(auth)) if (!known.has(field)) throw new PolyfaasError('InvalidArgument', `${where}: unknown auth option "${field}"`);
  if (auth.apiKeys) {
    if (auth.apiKeys.env !== undefined && auth.apiKeys.env !== false && !/^[A-Z_][A-Z0-9_]*$/.test(auth.apiKeys.env)) {
      throw new PolyfaasError('InvalidArgument', `${where}: apiKeys.env must be an environment variable name`);
    }
    validateApiKeyRecords(auth.apiKeys.keys ?? [], where);
  }
  for (const jwt of jwtList(auth)) validateJwtOptions(jwt, where);
  if (auth.platform?.gcpIap && !auth.platform.gcpIap.audience) throw new PolyfaasError('InvalidArgument', `${where}: platform.gcpIap needs an audience`);
  for (const scope of auth.scopes ?? []) {
    if (typeof scope !== 'string' || !SCOPE.test(scope)) throw new PolyfaasError('InvalidArgument', `${where}: scope ${JSON.stringify(scope)} must be visible ASCII without spaces`);
  }
  if (auth.rateLimit) validateRateLimit(auth.rateLimit, where);
}

/** The `jwt` option as a list. */
export function jwtList(auth: AuthOptions): readonly JwtOptions[] {
  const jwt = auth.jwt;
  if (jwt === undefined) return [];
  return Array.isArray(jwt) ? (jwt as readonly JwtOptions[]) : [jwt as JwtOptions];
}

/** True if the options name a way to authenticate callers (not only scopes or a rate limit). */
export function hasAuthMethod(auth: AuthOptions | undefined): boolean {
  if (!auth) return false;
  const platform = auth.platform;
  return auth.apiKeys !== undefined || jwtList(auth).length > 0 || Boolean(platform?.aws || platform?.azure || platform?.gcpIap);
}

/**
 * The auth a function runs with: its own fields over the app's, field by
 * field; `'public'` means none. Undefined when nothing applies.
 */
export function effectiveAuth(appAuth: AuthOptions | undefined, fnAuth: FunctionAuth | undefined): AuthOptions | undefined {
  if (fnAuth === 'public') return undefined;
  if (!appAuth && !fnAuth) return undefined;
  return { ...(appAuth ?? {}), ...(fnAuth ?? {}) };
}

/**
 * Checks an effective auth makes sense: scopes need a way to authenticate,
 * or every request would be refused. Throws `InvalidArgument`.
 */
export function checkEffectiveAuth(auth: AuthOptions | undefined, where: string): void {
  if (auth?.scopes?.length && !hasAuthMethod(auth)) {
    throw new PolyfaasError('InvalidArgument', `${where}: requires scopes but no apiKeys, jwt or platform auth is configured`);
  }
}
