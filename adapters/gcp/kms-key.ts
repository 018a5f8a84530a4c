import type { ErrorCode, KeyEncryptionKey, WrapContext } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { canonicalContext, lazy, toPolyfaasError } from '../../src/adapter.js';

type Bytes = Uint8Array | string | null | undefined;

/**
 * The two calls of `KeyManagementServiceClient` (`@google-cloud/kms`) this
 * adapter makes; a real client fits, and tests inject a stand-in.
 */
export interface GcpKmsClient {
  encrypt(request: { name: string; plaintext: Uint8Array; additionalAuthenticatedData: Uint8Array }): Promise<readonly [{ ciphertext?: Bytes }, ...unknown[]]>;
  decrypt(request: { name: string; ciphertext: Uint8Array; additionalAuthenticatedData: Uint8Array }): Promise<readonly [{ plaintext?: Bytes }, ...unknown[]]>;
}

/** Options for {@link gcpKmsKey}. */
export interface GcpKmsKeyOptions {
  /** The CryptoKey: `projects/P/locations/L/keyRings/R/cryptoKeys/K` (Cloud KMS picks the primary version). */
  name: string;
  /** A client to use; default `new KeyManagementServiceClient()` on first use (`@google-cloud/kms` loads then). */
  client?: GcpKmsClient;
}

/**
 * A Cloud KMS symmetric key as a key-encryption key for {@link encryptedBucket}:
 * `encrypt` on write and `decrypt` on read, one call each, with the wrap context
 * as additional authenticated data (another context does not decrypt). Cloud
 * KMS key rotation needs no re-wrap (the ciphertext names its version); moving
 * to another CryptoKey does (`rewrap`). Needs `cloudkms.cryptoKeyVersions.useToEncrypt`
 * / `useToDecrypt` (role `roles/cloudkms.cryptoKeyEncrypterDecrypter`).
 *
 * @example
 * ```ts
 * import { gcpKmsKey } from 'polyfaas/gcp';
 * const bucket = encryptedBucket(new GcsBucket('data'), gcpKmsKey({ name: process.env.KMS_KEY! }));
 * ```
 */
export function gcpKmsKey(options: GcpKmsKeyOptions): KeyEncryptionKey {
  const name = options.name;
  if (!/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(name)) {
    throw new PolyfaasError('InvalidArgument', 'A Cloud KMS key name looks like projects/P/locations/L/keyRings/R/cryptoKeys/K');
  }
  const client: () => Promise<GcpKmsClient> = options.client
    ? () => Promise.resolve(options.client as GcpKmsClient)
    : lazy(async () => new (await import('@google-cloud/kms')).KeyManagementServiceClient() as unknown as GcpKmsClient);
  return {
    id: name,
    async wrap(dataKey: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      const [out] = await call(`Cloud KMS encrypt with ${name}`, async () => (await client()).encrypt({ name, plaintext: dataKey, additionalAuthenticatedData: canonicalContext(context) }));
      return bytes(out.ciphertext, `Cloud KMS encrypt with ${name} returned no ciphertext`);
    },
    async unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      const [out] = await call(`Cloud KMS decrypt with ${name}`, async () => (await client()).decrypt({ name, ciphertext: wrapped, additionalAuthenticatedData: canonicalContext(context) }), 'DataLoss');
      return bytes(out.plaintext, `Cloud KMS decrypt with ${name} returned no plaintext`);
    },
  };
}

function bytes(value: Bytes, missing: string): Uint8Array {
  if (value === null || value === undefined || value.length === 0) throw new PolyfaasError('Internal', missing);
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

async function call<T>(what: string, op: () => Promise<T>, invalidArgument: ErrorCode = 'InvalidArgument'): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw toPolyfaasError(err, `${what} failed`, (e) => classifyGrpcError(e, invalidArgument));
  }
}

/**
 * gRPC status codes as Cloud KMS answers them. On decrypt, INVALID_ARGUMENT
 * means the ciphertext is not one of this key's, or the context differs: `DataLoss`.
 */
export function classifyGrpcError(err: unknown, invalidArgument: ErrorCode = 'InvalidArgument'): ErrorCode | undefined {
  switch ((err as { code?: unknown } | undefined)?.code) {
    case 3:
      return invalidArgument;
    case 4:
      return 'DeadlineExceeded';
    case 5:
      return 'NotFound';
    case 7:
      return 'Forbidden';
    case 8:
      return 'ResourceExhausted';
    case 9:
    case 14:
      return 'Unavailable';
    case 16:
      return 'Unauthorized';
  }
  return undefined;
}
