import { PolyfaasError } from '../errors.js';

/**
 * What a key-encryption key binds a wrapped data key to. Providers that take
 * authenticated data (AWS KMS encryption context, Cloud KMS additional
 * authenticated data, the local key's AES-GCM AAD) refuse to unwrap under a
 * different context.
 */
export type WrapContext = Readonly<Record<string, string>>;

/**
 * A key-encryption key (KEK): wraps and unwraps the per-object data keys of an
 * encrypted bucket. It never sees object data. Implementations: {@link localKey}
 * (development and tests), `awsKmsKey` (`polyfaas/aws`), `gcpKmsKey`
 * (`polyfaas/gcp`), `azureKeyVaultKey` (`polyfaas/azure`).
 *
 * Every failure is a `PolyfaasError`; a wrapped key that does not unwrap
 * (tampered, wrong key, wrong context) is `DataLoss`.
 */
export interface KeyEncryptionKey {
  /** Stored in each object's header so a reader knows which key unwraps it. At most 255 bytes of UTF-8. */
  readonly id: string;
  /** Wrap (encrypt) a data key: one call to the key service. */
  wrap(dataKey: Uint8Array, context: WrapContext): Promise<Uint8Array>;
  /** Unwrap a data key this key wrapped with the same context: one call to the key service. */
  unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Uint8Array>;
}

/**
 * The keys an encrypted bucket uses: `current` wraps every new data key; it and
 * the older keys unwrap. Rotation: put the new key first, keep the old ones
 * until {@link rewrap} has moved every object to the new key.
 */
export interface Keyring {
  readonly current: KeyEncryptionKey;
  /** The key with this id, or undefined. */
  find(id: string): KeyEncryptionKey | undefined;
}

/**
 * A keyring from a current key and older keys still accepted for reading.
 *
 * @example
 * ```ts
 * const ring = keyring(localKeyFromEnv('KEK_2026'), localKeyFromEnv('KEK_2025'));
 * const bucket = encryptedBucket(new FileBucket('/var/data'), ring);
 * ```
 */
export function keyring(current: KeyEncryptionKey, ...older: KeyEncryptionKey[]): Keyring {
  const byId = new Map<string, KeyEncryptionKey>();
  for (const key of [current, ...older]) {
    checkKeyId(key.id);
    if (byId.has(key.id)) throw new PolyfaasError('InvalidArgument', `Two keys in one keyring share the id ${JSON.stringify(key.id)}`);
    byId.set(key.id, key);
  }
  return { current, find: (id) => byId.get(id) };
}

/** Accept a bare key where a keyring is expected. */
export function asKeyring(keys: Keyring | KeyEncryptionKey): Keyring {
  return 'current' in keys ? keys : keyring(keys);
}

/** Key ids are stored with a one-byte length. */
export function checkKeyId(id: string): void {
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes === 0 || bytes > 255) throw new PolyfaasError('InvalidArgument', 'A key id must be 1 to 255 bytes of UTF-8');
}

/** One byte string for a context, the same whatever order its entries were written in. */
export function canonicalContext(context: WrapContext): Uint8Array {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}
