/**
 * Which keys a {@link ModelStore} signs and verifies with, and whether it
 * insists on signatures. Keys come from the caller or the environment —
 * never from the bucket, which is exactly what signatures protect against.
 *
 * @module
 */
import { PolyfaasError } from '../errors.js';
import { AliasHighWater } from './signing-alias.js';
import { ModelSigningKey, ModelVerifyKey } from './signing-keys.js';

/** `<keyId>:<algorithm>:<base64 PKCS#8>` or a PEM private key (or `<keyId>:hmac-sha256:<base64 secret>`): signs saved versions and promotions. */
export const SIGNING_KEY_ENV = 'POLYFAAS_MODEL_SIGNING_KEY';
/** Key id for a PEM signing key; default derived from the key. */
export const SIGNING_KEY_ID_ENV = 'POLYFAAS_MODEL_SIGNING_KEY_ID';
/** Trusted keys, comma- or space-separated `<keyId>:<algorithm>:<base64 SPKI>` (or PEM public keys). Several at once for rotation. */
export const VERIFY_KEYS_ENV = 'POLYFAAS_MODEL_VERIFY_KEYS';
/** `true` / `false`: override the default (required whenever a key is configured). */
export const REQUIRE_SIGNATURE_ENV = 'POLYFAAS_MODEL_REQUIRE_SIGNATURE';

/** Signing settings of a {@link ModelStore}. */
export interface ModelSigningOptions {
  /** Signs every saved version and every promotion. Its own public key is trusted too. */
  signingKey?: ModelSigningKey;
  /** Keys whose signatures are accepted; list old and new keys together while rotating. */
  verifyKeys?: readonly ModelVerifyKey[];
  /**
   * Refuse unsigned versions and aliases. Default: `true` as soon as any key
   * (signing or verify) is configured. With `false`, signatures that are present are
   * still checked — only their absence is tolerated (for migrating an existing store).
   */
  requireSignature?: boolean;
}

/**
 * Signing settings from environment variables ({@link SIGNING_KEY_ENV},
 * {@link VERIFY_KEYS_ENV}, {@link REQUIRE_SIGNATURE_ENV}). Empty when none is set.
 *
 * @throws `InvalidArgument` naming the variable when one is malformed (never quoting the key).
 */
export function modelSigningFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ModelSigningOptions {
  const options: { -readonly [K in keyof ModelSigningOptions]: ModelSigningOptions[K] } = {};
  const signing = env[SIGNING_KEY_ENV]?.trim();
  if (signing) options.signingKey = fromVariable(SIGNING_KEY_ENV, () => ModelSigningKey.parse(signing, env[SIGNING_KEY_ID_ENV]?.trim() || undefined));
  const verify = env[VERIFY_KEYS_ENV]?.trim();
  if (verify) options.verifyKeys = fromVariable(VERIFY_KEYS_ENV, () => ModelVerifyKey.parseList(verify));
  const require = env[REQUIRE_SIGNATURE_ENV]?.trim().toLowerCase();
  if (require) {
    if (!['true', 'false', '1', '0'].includes(require)) throw new PolyfaasError('InvalidArgument', `${REQUIRE_SIGNATURE_ENV} must be true or false`);
    options.requireSignature = require === 'true' || require === '1';
  }
  return options;
}

/** The resolved policy a store applies: keys by id, the requirement, and the alias high-water marks. */
export class ModelTrust {
  /** Signs saves and promotions, if configured. */
  readonly signingKey: ModelSigningKey | undefined;
  /** Trusted keys by key id (the signing key's own included). */
  readonly keys: ReadonlyMap<string, ModelVerifyKey>;
  /** Unsigned versions and aliases are refused. */
  readonly requireSignature: boolean;
  /** Highest alias sequence accepted by this store instance. */
  readonly highWater = new AliasHighWater();

  constructor(options: ModelSigningOptions) {
    this.signingKey = options.signingKey;
    const keys = new Map<string, ModelVerifyKey>();
    for (const key of [...(options.verifyKeys ?? []), ...(options.signingKey ? [options.signingKey.verifyKey()] : [])]) {
      const existing = keys.get(key.keyId);
      if (existing && existing.export() !== key.export()) {
        throw new PolyfaasError('InvalidArgument', `Two different model keys share the key id ${key.keyId}`, { details: { keyId: key.keyId } });
      }
      keys.set(key.keyId, key);
    }
    this.keys = keys;
    this.requireSignature = options.requireSignature ?? keys.size > 0;
    if (this.requireSignature && keys.size === 0) {
      throw new PolyfaasError('InvalidArgument', `requireSignature needs a verify key (${VERIFY_KEYS_ENV}) or a signing key (${SIGNING_KEY_ENV})`);
    }
  }

  /** True when signatures can be checked at all. */
  get verifies(): boolean {
    return this.keys.size > 0;
  }
}

function fromVariable<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${name}: ${(err as Error).message}`, { cause: err });
  }
}
