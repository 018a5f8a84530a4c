/**
 * Who may call an HTTP function: the portable declaration (`auth` on
 * `defineApp` / `defineFunction`) and what a handler learns about the caller.
 */

/** How the caller was authenticated. */
export type AuthMethod = 'api-key' | 'jwt' | 'platform';

/** The authenticated caller, as a handler sees it in `ctx.auth`. */
export interface AuthInfo {
  /** The key id, the token's `sub`, or the platform's principal. */
  readonly subject: string;
  /** What the caller may do; a function's required scopes are checked against these. */
  readonly scopes: readonly string[];
  /** The verified claims (JWT payload, platform claims; `{ keyId }` for an API key). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly method: AuthMethod;
}

/** One API key, stored as the SHA-256 of the key (see `hashApiKey`); the key itself is never kept. */
export interface ApiKeyRecord {
  /** A name for logs, rate limits and `ctx.auth.subject` (e.g. `ci-2025-06`); not secret. */
  readonly id: string;
  /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
  readonly sha256: string;
  readonly scopes?: readonly string[];
}

/** Where API keys come from. Both sources are used together; several keys at once allow rotation. */
export interface ApiKeyOptions {
  /**
   * Environment variable holding keys, `POLYFAAS_API_KEYS` by default; `false`
   * for none. Format: entries separated by `,` or new lines, each
   * `<id>:<key>[:<scope> <scope>…]`; `<key>` may be `sha256.<hex>` to give the
   * hash instead of the key.
   */
  readonly env?: string | false;
  /** Keys given in code, as hashes. */
  readonly keys?: readonly ApiKeyRecord[];
}

/** Signed bearer tokens (JWT / OIDC access or ID tokens), verified with `jose`. */
export interface JwtOptions {
  /**
   * The issuer's JWKS (`https://…/.well-known/jwks.json`): fetched on first use,
   * cached, refetched when a token names an unknown key id (key rotation).
   * `http:` is accepted for loopback hosts only.
   */
  readonly jwksUrl?: string;
  /** A fixed JWKS instead of a URL (e.g. keys shipped with the app). */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** Required `iss`. */
  readonly issuer: string | readonly string[];
  /** Required `aud` (one of). */
  readonly audience: string | readonly string[];
  /** Accepted `alg` values; never `none`, never `HS*` (a JWKS holds public keys). Default RS256, ES256, PS256, EdDSA. */
  readonly algorithms?: readonly string[];
  /** Tolerance for `exp` / `nbf` / `iat`, in seconds. Default 30. */
  readonly clockSkewSec?: number;
  /** Claim holding scopes: a space-separated string or a list. Default `scope`, then `scp`. */
  readonly scopesClaim?: string;
  /** How long a fetched JWKS is trusted before it is fetched again, in ms. Default 10 minutes. */
  readonly jwksCacheMs?: number;
  /**
   * After a token names a key id the cached JWKS lacks, the JWKS is refetched
   * at most once per this many ms, so forged key ids cannot hammer the issuer. Default 30 s.
   */
  readonly jwksCooldownMs?: number;
  /** Header carrying the token instead of `Authorization: Bearer` (e.g. `x-goog-iap-jwt-assertion`). */
  readonly header?: string;
  /** `ctx.auth.method` for tokens this verifier accepts: `platform` for a platform's own signed assertion. Default `jwt`. */
  readonly method?: 'jwt' | 'platform';
}

/**
 * Callers the platform already authenticated, trusted only when listed here and
 * only from the adapter's own channel (never from a header a client can set).
 */
export interface PlatformTrust {
  /** API Gateway authorizers (JWT, Lambda, Cognito, IAM) and Function URL `AWS_IAM`: `requestContext.authorizer`. */
  readonly aws?: boolean;
  /**
   * Azure App Service authentication (Easy Auth): `x-ms-client-principal*`
   * headers. Only sound when App Service authentication is on for the app,
   * which then strips those headers from client requests; they carry no signature.
   */
  readonly azure?: boolean;
  /** Google Cloud IAP: `x-goog-iap-jwt-assertion`, verified against Google's IAP keys. */
  readonly gcpIap?: { readonly audience: string | readonly string[] };
}

/** A token bucket per client (key id or subject), per function, per instance. */
export interface RateLimitOptions {
  /** Sustained requests per minute per client. */
  readonly perMinute: number;
  /** Requests a client may send at once after a quiet spell. Default `perMinute`. */
  readonly burst?: number;
  /** Clients tracked at once; the least recently seen are forgotten beyond this. Default 10 000. */
  readonly maxClients?: number;
}

/** The `auth` of an app or a function. */
export interface AuthOptions {
  readonly apiKeys?: ApiKeyOptions;
  /** One issuer, or several (each token is tried against them in order). */
  readonly jwt?: JwtOptions | readonly JwtOptions[];
  readonly platform?: PlatformTrust;
  /** Scopes the caller must all hold (e.g. `['predict']`, `['models:write']`). */
  readonly scopes?: readonly string[];
  readonly rateLimit?: RateLimitOptions;
}

/**
 * A function's `auth`: fields override the app's `auth` one by one (so
 * `{ scopes: ['models:write'] }` keeps the app's keys and tokens), or
 * `'public'` to opt this function out of the app's auth explicitly.
 */
export type FunctionAuth = AuthOptions | 'public';

/** A caller the platform authenticated, as an adapter read it from its own channel. */
export interface PlatformPrincipal {
  readonly provider: 'aws' | 'azure';
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
}
