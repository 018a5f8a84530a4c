import { PolyfaasError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../events/http.js';
import type { Logger } from '../logger.js';
import { errorResponse } from '../runtime/errors.js';
import { ApiKeyVerifier, loadApiKeys } from './api-keys.js';
import { API_KEY_HEADER, bearerToken, looksLikeJwt } from './credentials.js';
import { JwtVerifier, googleIapJwt } from './jwt.js';
import { hasAuthMethod, jwtList } from './policy.js';
import { TokenBucketLimiter } from './rate-limit.js';
import type { AuthInfo, AuthOptions, JwtOptions, PlatformPrincipal } from './types.js';

/** What {@link HttpGuard.check} decided: go on (with the caller, if authenticated) or answer with `response`. */
export type GuardOutcome = { readonly allowed: true; readonly auth: AuthInfo | undefined } | { readonly allowed: false; readonly response: HttpResponse };

/** Shared by the guards of one runtime: one JWKS cache per issuer, not one per function. */
export interface GuardDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** Names the protection space in `WWW-Authenticate` (the app's name). */
  readonly realm: string;
  readonly verifiers: Map<JwtOptions, JwtVerifier>;
}

/** Why a request was refused, for the log only. */
type Denial = { status: 401 | 403 | 429; reason: string; presented: boolean; retryAfterSec?: number };
type Authenticated = { auth: AuthInfo } | { denial: Denial } | { anonymous: true };

/**
 * One function's access check, run by the runtime before the handler: who is
 * calling (API key, JWT, or a platform identity the app trusts), whether they
 * hold the required scopes, and whether they are within their rate. Refusals
 * are the neutral JSON error (401 with `WWW-Authenticate`, 403, 429 with
 * `Retry-After`) saying nothing of why; the reason goes to the log.
 */
export class HttpGuard {
  private readonly apiKeys: ApiKeyVerifier | undefined;
  private readonly headerJwts: JwtVerifier[] = [];
  private readonly bearerJwts: JwtVerifier[] = [];
  private readonly limiter: TokenBucketLimiter | undefined;
  private readonly required: readonly string[];
  private readonly authenticates: boolean;

  constructor(
    private readonly options: AuthOptions,
    private readonly deps: GuardDeps,
    fn: string,
  ) {
    this.authenticates = hasAuthMethod(options);
    this.required = options.scopes ?? [];
    if (options.apiKeys) {
      this.apiKeys = new ApiKeyVerifier(loadApiKeys(options.apiKeys, deps.env));
      if (this.apiKeys.size === 0) deps.log.warn('auth: API keys are enabled but none is configured; every key is refused', { fn, env: options.apiKeys.env ?? 'POLYFAAS_API_KEYS' });
    }
    const jwts = [...jwtList(options), ...(options.platform?.gcpIap ? [googleIapJwt(options.platform.gcpIap.audience)] : [])];
    for (const jwt of jwts) {
      let verifier = deps.verifiers.get(jwt);
      if (!verifier) deps.verifiers.set(jwt, (verifier = new JwtVerifier(jwt)));
      (jwt.header ? this.headerJwts : this.bearerJwts).push(verifier);
    }
    if (options.rateLimit) this.limiter = new TokenBucketLimiter(options.rateLimit);
  }

  /** Decide on one request. `identity` is what the adapter read from its platform's own verified channel. */
  async check(request: HttpRequest, identity: PlatformPrincipal | undefined, requestId: string | undefined, log: Logger): Promise<GuardOutcome> {
    const found = await this.authenticate(request.headers, identity);
    const auth = 'auth' in found ? found.auth : undefined;
    let denial = 'denial' in found ? found.denial : undefined;
    if (!denial && this.required.length > 0) {
      const missing = this.required.filter((s) => !auth?.scopes.includes(s));
      if (missing.length > 0) denial = { status: 403, reason: `missing scope ${missing.join(' ')}`, presented: true };
    }
    if (!denial && this.limiter) {
      const decision = this.limiter.take(auth ? `${auth.method}:${auth.subject}` : 'anonymous');
      if (!decision.allowed) denial = { status: 429, reason: 'rate limit exceeded', presented: true, retryAfterSec: decision.retryAfterSec };
    }
    if (!denial) return { allowed: true, auth };
    log.warn('auth: request refused', { status: denial.status, reason: denial.reason, ...(auth ? { subject: auth.subject, method: auth.method } : {}) });
    return { allowed: false, response: this.refusal(denial, requestId, log) };
  }

  private async authenticate(headers: Readonly<Record<string, string>>, identity: PlatformPrincipal | undefined): Promise<Authenticated> {
    if (!this.authenticates) return { anonymous: true };
    if (identity && this.options.platform?.[identity.provider]) {
      return { auth: { subject: identity.subject, scopes: identity.scopes, claims: { ...identity.claims, provider: identity.provider }, method: 'platform' } };
    }
    for (const verifier of this.headerJwts) {
      const token = headers[verifier.options.header as string];
      if (token !== undefined) return this.verifyJwt([verifier], token);
    }
    const apiKey = headers[API_KEY_HEADER];
    if (apiKey !== undefined && this.apiKeys) return this.verifyKey(apiKey);
    const bearer = bearerToken(headers);
    if (bearer !== undefined) {
      if (this.bearerJwts.length > 0 && looksLikeJwt(bearer)) return this.verifyJwt(this.bearerJwts, bearer);
      if (this.apiKeys) return this.verifyKey(bearer);
      return { denial: { status: 401, reason: 'bearer token is not a JWT and API keys are not enabled', presented: true } };
    }
    return { denial: { status: 401, reason: headers.authorization === undefined ? 'no credentials' : 'authorization scheme is not Bearer', presented: headers.authorization !== undefined } };
  }

  private verifyKey(presented: string): Authenticated {
    const record = this.apiKeys?.verify(presented);
    if (!record) return { denial: { status: 401, reason: 'unknown API key', presented: true } };
    return { auth: { subject: record.id, scopes: record.scopes ?? [], claims: { keyId: record.id }, method: 'api-key' } };
  }

  private async verifyJwt(verifiers: readonly JwtVerifier[], token: string): Promise<Authenticated> {
    const reasons: string[] = [];
    for (const verifier of verifiers) {
      try {
        const { subject, scopes, claims } = await verifier.verify(token);
        return { auth: { subject, scopes, claims, method: verifier.options.method ?? 'jwt' } };
      } catch (err) {
        reasons.push(err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));
      }
    }
    return { denial: { status: 401, reason: `token refused (${reasons.join('; ')})`, presented: true } };
  }

  private refusal(denial: Denial, requestId: string | undefined, log: Logger): HttpResponse {
    const realm = `Bearer realm="${this.deps.realm}"`;
    const [code, message, headers] =
      denial.status === 401
        ? (['Unauthorized', 'Authentication required', { 'www-authenticate': denial.presented ? `${realm}, error="invalid_token"` : realm }] as const)
        : denial.status === 403
          ? (['Forbidden', 'Permission denied', { 'www-authenticate': `${realm}, error="insufficient_scope"` }] as const)
          : (['ResourceExhausted', 'Too many requests', { 'retry-after': String(denial.retryAfterSec ?? 1) }] as const);
    const response = errorResponse(new PolyfaasError(code, message), requestId, log);
    return { ...response, headers: { ...response.headers, ...headers } };
  }
}
