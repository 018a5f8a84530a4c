/**
 * Model signing keys: Ed25519 or ECDSA P-256 key pairs, or an HMAC-SHA-256
 * secret, each with a key id. Only `node:crypto`; no key ever comes from a bucket.
 *
 * Text form (what `polyfaas models keygen` prints and the environment holds):
 * `<keyId>:<algorithm>:<base64>` — PKCS#8 DER for a private key, SPKI DER for a
 * public key, the raw secret for HMAC. The algorithm is explicit so a key can
 * never be read as another kind (an HMAC secret is never mistaken for a public key).
 * PEM (`-----BEGIN PRIVATE KEY-----` / `PUBLIC KEY`) is accepted too; its key id
 * is then derived from the key.
 *
 * @module
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { PolyfaasError } from '../errors.js';

/** Signature algorithms a model can be signed with. */
export const MODEL_SIGNING_ALGORITHMS = ['ed25519', 'ecdsa-p256', 'hmac-sha256'] as const;

/** One of {@link MODEL_SIGNING_ALGORITHMS}. `ecdsa-p256` is the one the OpenSSF `model_signing` tool verifies. */
export type ModelSigningAlgorithm = (typeof MODEL_SIGNING_ALGORITHMS)[number];

/** Shortest HMAC secret accepted: 256 bits, the SHA-256 block strength. */
const MIN_HMAC_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A key that checks signatures: a public key, or the shared HMAC secret. */
export class ModelVerifyKey {
  private constructor(
    /** Names the key in signatures, so verifiers holding several keys (rotation) pick the right one. */
    readonly keyId: string,
    /** What the key verifies. */
    readonly algorithm: ModelSigningAlgorithm,
    private readonly key: KeyObject,
  ) {}

  /** @internal Wrap a checked key object; use {@link parse} or {@link ModelSigningKey.verifyKey}. */
  static of(keyId: string, algorithm: ModelSigningAlgorithm, key: KeyObject): ModelVerifyKey {
    return new ModelVerifyKey(keyId, algorithm, key);
  }

  /**
   * Parse `<keyId>:<algorithm>:<base64 SPKI DER | HMAC secret>` or one PEM public key.
   *
   * @throws `InvalidArgument` for malformed text, a key of another algorithm, or a short HMAC secret.
   */
  static parse(text: string, keyId?: string): ModelVerifyKey {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) {
      const key = tryKey(() => createPublicKey(trimmed), 'a PEM public key');
      const algorithm = algorithmOf(key);
      return new ModelVerifyKey(checkKeyId(keyId ?? deriveKeyId(algorithm, key)), algorithm, key);
    }
    const { id, algorithm, bytes } = splitKeyText(trimmed);
    if (algorithm === 'hmac-sha256') return new ModelVerifyKey(id, algorithm, hmacKey(bytes));
    const key = tryKey(() => createPublicKey({ key: bytes, format: 'der', type: 'spki' }), 'an SPKI public key');
    expectAlgorithm(key, algorithm);
    return new ModelVerifyKey(id, algorithm, key);
  }

  /** Parse a list of keys separated by commas or whitespace; PEM blocks may be mixed in. */
  static parseList(text: string): ModelVerifyKey[] {
    const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
    const rest = pems.reduce((left, pem) => left.replace(pem, ' '), text);
    if (/-----BEGIN/.test(rest)) throw new PolyfaasError('InvalidArgument', 'Verify keys must be public keys (BEGIN PUBLIC KEY), never private keys');
    const entries = rest.split(/[\s,]+/).filter((e) => e.length > 0);
    return [...pems.map((pem) => ModelVerifyKey.parse(pem)), ...entries.map((entry) => ModelVerifyKey.parse(entry))];
  }

  /** True if `signature` was made over `data` by this key's private half (or secret). Constant time for HMAC. */
  verify(data: Uint8Array, signature: Uint8Array): boolean {
    if (this.algorithm === 'hmac-sha256') {
      const expected = createHmac('sha256', this.key).update(data).digest();
      return expected.byteLength === signature.byteLength && timingSafeEqual(expected, signature);
    }
    try {
      return cryptoVerify(this.algorithm === 'ed25519' ? null : 'sha256', data, this.key, signature);
    } catch {
      // A malformed DER signature throws rather than returning false; either way it does not verify.
      return false;
    }
  }

  /**
   * The key as `<keyId>:<algorithm>:<base64>`. For an HMAC key that is the
   * secret itself — treat it like a private key.
   */
  export(): string {
    const bytes = this.algorithm === 'hmac-sha256' ? this.key.export() : this.key.export({ type: 'spki', format: 'der' });
    return `${this.keyId}:${this.algorithm}:${bytes.toString('base64')}`;
  }

  /** SPKI PEM of a public key; `undefined` for HMAC. */
  publicKeyPem(): string | undefined {
    return this.algorithm === 'hmac-sha256' ? undefined : (this.key.export({ type: 'spki', format: 'pem' }) as string);
  }

  /**
   * SHA-256 (hex) of the SPKI PEM: the `publicKey.hint` the OpenSSF
   * `model_signing` tool writes and checks. `undefined` for HMAC.
   */
  publicKeyHint(): string | undefined {
    const pem = this.publicKeyPem();
    return pem === undefined ? undefined : createHash('sha256').update(pem).digest('hex');
  }
}

/** A key that makes signatures: a private key, or the HMAC secret. */
export class ModelSigningKey {
  private constructor(
    /** Written into every signature; verifiers look the key up by it. */
    readonly keyId: string,
    /** What the key signs with. */
    readonly algorithm: ModelSigningAlgorithm,
    private readonly key: KeyObject,
  ) {}

  /**
   * A fresh key (`ed25519` unless asked). The key id defaults to
   * `<algorithm>-<16 hex of SHA-256 of the public key>` (of the secret for HMAC, which reveals nothing about a 256-bit secret).
   */
  static generate(algorithm: ModelSigningAlgorithm = 'ed25519', keyId?: string): ModelSigningKey {
    let key: KeyObject;
    if (algorithm === 'hmac-sha256') key = createSecretKey(randomBytes(MIN_HMAC_BYTES));
    else if (algorithm === 'ed25519') key = generateKeyPairSync('ed25519').privateKey;
    else key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    return new ModelSigningKey(checkKeyId(keyId ?? deriveKeyId(algorithm, key)), algorithm, key);
  }

  /**
   * Parse `<keyId>:<algorithm>:<base64 PKCS#8 DER | HMAC secret>` or one PEM private key.
   *
   * @throws `InvalidArgument` for malformed text (the message never quotes the key).
   */
  static parse(text: string, keyId?: string): ModelSigningKey {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) {
      const key = tryKey(() => createPrivateKey(trimmed), 'a PEM private key (unencrypted PKCS#8)');
      const algorithm = algorithmOf(key);
      return new ModelSigningKey(checkKeyId(keyId ?? deriveKeyId(algorithm, key)), algorithm, key);
    }
    const { id, algorithm, bytes } = splitKeyText(trimmed);
    if (algorithm === 'hmac-sha256') return new ModelSigningKey(id, algorithm, hmacKey(bytes));
    const key = tryKey(() => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }), 'a PKCS#8 private key');
    expectAlgorithm(key, algorithm);
    return new ModelSigningKey(id, algorithm, key);
  }

  /** Sign `data`: Ed25519 (pure), ECDSA P-256 with SHA-256 (DER), or HMAC-SHA-256. */
  sign(data: Uint8Array): Uint8Array {
    if (this.algorithm === 'hmac-sha256') return createHmac('sha256', this.key).update(data).digest();
    return cryptoSign(this.algorithm === 'ed25519' ? null : 'sha256', data, this.key);
  }

  /** The key that verifies this key's signatures (the same secret for HMAC). */
  verifyKey(): ModelVerifyKey {
    const key = this.algorithm === 'hmac-sha256' ? this.key : createPublicKey(this.key);
    return ModelVerifyKey.of(this.keyId, this.algorithm, key);
  }

  /** The private key (or secret) as `<keyId>:<algorithm>:<base64>`. Secret: never log it. */
  export(): string {
    const bytes = this.algorithm === 'hmac-sha256' ? this.key.export() : this.key.export({ type: 'pkcs8', format: 'der' });
    return `${this.keyId}:${this.algorithm}:${bytes.toString('base64')}`;
  }

  /** PKCS#8 PEM of the private key; `undefined` for HMAC. Secret: never log it. */
  privateKeyPem(): string | undefined {
    return this.algorithm === 'hmac-sha256' ? undefined : (this.key.export({ type: 'pkcs8', format: 'pem' }) as string);
  }
}

function splitKeyText(text: string): { id: string; algorithm: ModelSigningAlgorithm; bytes: Buffer } {
  const [id, algorithm, data, ...extra] = text.split(':');
  if (id === undefined || algorithm === undefined || data === undefined || extra.length > 0) {
    throw new PolyfaasError('InvalidArgument', 'A model key must look like <keyId>:<algorithm>:<base64> or be a PEM key');
  }
  if (!(MODEL_SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new PolyfaasError('InvalidArgument', `Unknown model signing algorithm "${algorithm.slice(0, 20)}"; use ${MODEL_SIGNING_ALGORITHMS.join(', ')}`);
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(data)) throw new PolyfaasError('InvalidArgument', `Model key ${checkKeyId(id)}: the key material is not base64`);
  return { id: checkKeyId(id), algorithm: algorithm as ModelSigningAlgorithm, bytes: Buffer.from(data, 'base64') };
}

function checkKeyId(id: string): string {
  if (!KEY_ID.test(id)) throw new PolyfaasError('InvalidArgument', 'A model key id is 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"');
  return id;
}

function hmacKey(bytes: Buffer): KeyObject {
  if (bytes.byteLength < MIN_HMAC_BYTES) {
    throw new PolyfaasError('InvalidArgument', `An HMAC model key needs at least ${MIN_HMAC_BYTES} bytes of secret (got ${bytes.byteLength})`);
  }
  return createSecretKey(bytes);
}

function tryKey(make: () => KeyObject, what: string): KeyObject {
  try {
    return make();
  } catch {
    // node:crypto's message can echo parts of the input; say only what was expected.
    throw new PolyfaasError('InvalidArgument', `The model key is not ${what}`);
  }
}

function algorithmOf(key: KeyObject): ModelSigningAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw new PolyfaasError('InvalidArgument', `Model keys are Ed25519 or ECDSA P-256; this one is ${key.asymmetricKeyType ?? 'unknown'}`);
}

function expectAlgorithm(key: KeyObject, algorithm: ModelSigningAlgorithm): void {
  const actual = algorithmOf(key);
  if (actual !== algorithm) throw new PolyfaasError('InvalidArgument', `The model key says ${algorithm} but holds an ${actual} key`);
}

function deriveKeyId(algorithm: ModelSigningAlgorithm, key: KeyObject): string {
  const material =
    algorithm === 'hmac-sha256'
      ? Buffer.concat([Buffer.from('polyfaas model hmac key id\0'), key.export()])
      : (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
  return `${algorithm}-${createHash('sha256').update(material).digest('hex').slice(0, 16)}`;
}
