import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import type { KeyEncryptionKey, WrapContext } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { lazy, toPolyfaasError } from '../../src/adapter.js';
import { classifyAwsError } from './s3/s3-errors.js';

/** Options for {@link awsKmsKey}. */
export interface AwsKmsKeyOptions {
  /** The KMS key: its ARN (recommended: an alias can later point elsewhere and old objects would not unwrap). */
  keyId: string;
  /** A client to use; default one built from the environment on first use (`@aws-sdk/client-kms` loads then). */
  client?: KMSClient;
  /** Settings for the default client (region, credentials...). */
  clientConfig?: KMSClientConfig;
}

/**
 * An AWS KMS key as a key-encryption key for {@link encryptedBucket}: `Encrypt`
 * on write and `Decrypt` on read, one call each, with the wrap context as the
 * KMS encryption context (so it shows in CloudTrail and a different context
 * does not decrypt). Automatic key rotation in KMS needs no re-wrap; moving to
 * another KMS key does (`rewrap`). Needs `kms:Encrypt` / `kms:Decrypt`.
 *
 * @example
 * ```ts
 * import { awsKmsKey } from 'polyfaas/aws';
 * const bucket = encryptedBucket(new S3Bucket('s3://data/'), awsKmsKey({ keyId: process.env.KMS_KEY_ARN! }));
 * ```
 */
export function awsKmsKey(options: AwsKmsKeyOptions): KeyEncryptionKey {
  const keyId = options.keyId;
  const client = options.client ? () => Promise.resolve(options.client as KMSClient) : lazy(async () => new (await import('@aws-sdk/client-kms')).KMSClient(options.clientConfig ?? {}));
  const sdk = lazy(() => import('@aws-sdk/client-kms'));
  return {
    id: keyId,
    async wrap(dataKey: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      const { EncryptCommand } = await sdk();
      const out = await call(`KMS Encrypt with ${keyId}`, async () => (await client()).send(new EncryptCommand({ KeyId: keyId, Plaintext: dataKey, EncryptionContext: { ...context } })));
      if (!out.CiphertextBlob) throw new PolyfaasError('Internal', `KMS Encrypt with ${keyId} returned no ciphertext`);
      return out.CiphertextBlob;
    },
    async unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      const { DecryptCommand } = await sdk();
      const out = await call(`KMS Decrypt with ${keyId}`, async () => (await client()).send(new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: { ...context } })));
      if (!out.Plaintext) throw new PolyfaasError('Internal', `KMS Decrypt with ${keyId} returned no plaintext`);
      return out.Plaintext;
    },
  };
}

async function call<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw toPolyfaasError(err, `${what} failed`, classifyKmsError);
  }
}

/** KMS's own error names; the rest as for every AWS call. */
export function classifyKmsError(err: unknown): ReturnType<typeof classifyAwsError> {
  switch ((err as { name?: string } | undefined)?.name) {
    // A ciphertext that is not KMS's, was altered, or was made under another context.
    case 'InvalidCiphertextException':
    case 'IncorrectKeyException':
      return 'DataLoss';
    case 'NotFoundException':
      return 'NotFound';
    case 'DisabledException':
    case 'KMSInvalidStateException':
    case 'KeyUnavailableException':
      return 'Unavailable';
    case 'ThrottlingException':
    case 'LimitExceededException':
      return 'ResourceExhausted';
  }
  return classifyAwsError(err);
}
