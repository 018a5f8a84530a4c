import type { JWTVerifyGetKey, JWTPayload } from 'jose';
import { PolyfaasError } from '../errors.js';
import type { JwtOptions } from './types.js';

/** Algorithms accepted unless `jwt.algorithms` says otherwise: asymmetric only. */
export const DEFAULT_JWT_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;
const DEFAULT_SKEW_SEC = 30;
const DEFAULT_JWKS_CACHE_MS = 10 * 60_000;
/** See {@link JwtOptions.jwksCooldownMs}. */
const JWKS_COOLDOWN_MS = 30_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks a `jwt` option; throws `InvalidArgument`. */
export function validateJwtOptions(options: JwtOptions, where: string): void {
  const fail = (why: string) => new PolyfaasError('InvalidArgument', `${where}: jwt ${why}`);
  if ((options.jwksUrl === undefined) === (options.jwks === undefined)) throw fail('needs exactly one of jwksUrl and jwks');
  if (options.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      throw fail('jwksUrl is not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) throw fail('jwksUrl must be https (http only for loopback)');
  }
  if (!nonEmpty(options.issuer)) throw fail('needs an issuer');
  if (!nonEmpty(options.audience)) throw fail('needs an audience');
  for (const alg of options.algorithms ?? DEFAULT_JWT_ALGORITHMS) {
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || /^HS/i.test(alg)) throw fail(`algorithm ${JSON.stringify(alg)} is not allowed (never none, no HS* with a JWKS)`);
  }
  if ((options.algorithms ?? DEFAULT_JWT_ALGORITHMS).length === 0) throw fail('algorithms is empty');
  if (options.clockSkewSec !== undefined && !(Number.isFinite(options.clockSkewSec) && options.clockSkewSec >= 0)) throw fail('clockSkewSec must be ≥ 0');
  for (const field of ['jwksCacheMs', 'jwksCooldownMs'] as const) {
    const v = options[field];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw fail(`${field} must be ≥ 0`);
  }
  if (options.header !== undefined && !/^[a-z0-9-]+$/.test(options.header)) throw fail('header must be a lower-case header name');
}

function nonEmpty(value: string | readonly string[]): boolean {
  return typeof value === 'string' ? value.length > 0 : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v);
}

/** The claims of a verified token. */
export interface VerifiedJwt {
  readonly subject: string;
  readonly scopes: string[];
  readonly claims: JWTPayload;
}

/**
 * Verifies tokens against one issuer. `jose` is imported on first use, so an
 * app without JWT auth never loads it; the JWKS is fetched once and shared by
 * every request of the instance.
 */
export class JwtVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(readonly options: JwtOptions) {}

  /** The verified token's subject, scopes and claims; throws with the reason (for the log) otherwise. */
  async verify(token: string): Promise<VerifiedJwt> {
    const { jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.options.issuer as string | string[],
      audience: this.options.audience as string | string[],
      algorithms: [...(this.options.algorithms ?? DEFAULT_JWT_ALGORITHMS)],
      clockTolerance: this.options.clockSkewSec ?? DEFAULT_SKEW_SEC,
      requiredClaims: ['exp'],
    });
    return { subject: typeof payload.sub === 'string' ? payload.sub : '', scopes: scopesOf(payload, this.options.scopesClaim), claims: payload };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= import('jose').then(({ createLocalJWKSet, createRemoteJWKSet }) =>
      this.options.jwksUrl !== undefined
        ? createRemoteJWKSet(new URL(this.options.jwksUrl), { cacheMaxAge: this.options.jwksCacheMs ?? DEFAULT_JWKS_CACHE_MS, cooldownDuration: this.options.jwksCooldownMs ?? JWKS_COOLDOWN_MS })
        : createLocalJWKSet(this.options.jwks as unknown as Parameters<typeof createLocalJWKSet>[0]),
    );
    return this.keys;
  }
}

/** Scopes as OAuth servers write them: `scope` (space-separated) or `scp` (a list, or a string). */
function scopesOf(payload: JWTPayload, claim: string | undefined): string[] {
  const value = claim !== undefined ? payload[claim] : (payload.scope ?? payload.scp);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Google Cloud IAP's signing keys and issuer (https://cloud.google.com/iap/docs/signed-headers-howto). */
export const GOOGLE_IAP = {
  jwksUrl: 'https://www.gstatic.com/iap/verify/public_key-jwk',
  issuer: 'https://cloud.google.com/iap',
  header: 'x-goog-iap-jwt-assertion',
  algorithms: ['ES256'],
} as const;

/** The JWT options that verify an IAP assertion for `audience` (`/projects/<number>/global/backendServices/<id>` or `/projects/<number>/apps/<project>`). */
export function googleIapJwt(audience: string | readonly string[]): JwtOptions {
  return { ...GOOGLE_IAP, audience, method: 'platform' };
}

/**
 * JWT options for Google-signed ID tokens, as Cloud Run / Cloud Functions IAM
 * callers send (`gcloud auth print-identity-token`); `audience` is the
 * function's URL. Add to `auth.jwt` to map the caller to `ctx.auth`.
 */
export function googleIdTokenJwt(audience: string | readonly string[]): JwtOptions {
  return { jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs', issuer: ['https://accounts.google.com', 'accounts.google.com'], audience, algorithms: ['RS256'] };
}
