import type { TokenCredential } from '@azure/core-auth';
import type { KeyEncryptionKey } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { lazy, toPolyfaasError } from '../../src/adapter.js';
import { classifyRemoteError } from '../../src/adapter.js';

/** Key-wrap algorithms Key Vault offers for RSA keys (and AES keys on Managed HSM). */
export type KeyVaultWrapAlgorithm = 'RSA-OAEP-256' | 'RSA-OAEP' | 'A256KW';

/**
 * The two calls of `CryptographyClient` (`@azure/keyvault-keys`) this adapter
 * makes; a real client fits, and tests inject a stand-in.
 */
export interface KeyVaultCryptoClient {
  wrapKey(algorithm: KeyVaultWrapAlgorithm, key: Uint8Array): Promise<{ result: Uint8Array }>;
  unwrapKey(algorithm: KeyVaultWrapAlgorithm, encryptedKey: Uint8Array): Promise<{ result: Uint8Array }>;
}

/** Options for {@link azureKeyVaultKey}. */
export interface AzureKeyVaultKeyOptions {
  /**
   * The key's versioned id, `https://VAULT.vault.azure.net/keys/NAME/VERSION`:
   * unwrapping needs the version that wrapped. A new version is a new key id:
   * keep the old one in the keyring and `rewrap`.
   */
  keyId: string;
  /** Credential for the default client (e.g. `new DefaultAzureCredential()` from `@azure/identity`). */
  credential?: TokenCredential;
  /** A client to use instead (wins over `credential`). */
  client?: KeyVaultCryptoClient;
  /** Default `RSA-OAEP-256`. */
  algorithm?: KeyVaultWrapAlgorithm;
}

/**
 * An Azure Key Vault key as a key-encryption key for {@link encryptedBucket}:
 * `wrapKey` on write and `unwrapKey` on read, one call each. Key Vault's wrap
 * takes no associated data, so the wrap context is not bound here; objects are
 * still bound to their bucket and key by the segment key derivation. Needs the
 * `wrapKey` / `unwrapKey` key permissions (role "Key Vault Crypto User").
 *
 * @example
 * ```ts
 * import { DefaultAzureCredential } from '@azure/identity';
 * import { azureKeyVaultKey } from 'polyfaas/azure';
 * const kek = azureKeyVaultKey({ keyId: process.env.KEY_ID!, credential: new DefaultAzureCredential() });
 * ```
 */
export function azureKeyVaultKey(options: AzureKeyVaultKeyOptions): KeyEncryptionKey {
  let url: URL;
  try {
    url = new URL(options.keyId);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'A Key Vault key id is a URL: https://VAULT.vault.azure.net/keys/NAME/VERSION', { cause: err });
  }
  if (url.protocol !== 'https:' || !/^\/keys\/[^/]+\/[^/]+\/?$/.test(url.pathname)) {
    throw new PolyfaasError('InvalidArgument', 'A Key Vault key id must be https://VAULT.vault.azure.net/keys/NAME/VERSION (versioned, TLS)');
  }
  const algorithm = options.algorithm ?? 'RSA-OAEP-256';
  const client: () => Promise<KeyVaultCryptoClient> = options.client
    ? () => Promise.resolve(options.client as KeyVaultCryptoClient)
    : lazy(async () => {
        if (!options.credential) throw new PolyfaasError('InvalidArgument', 'azureKeyVaultKey needs a credential or a client');
        const { CryptographyClient } = await import('@azure/keyvault-keys');
        return new CryptographyClient(options.keyId, options.credential);
      });
  return {
    id: options.keyId,
    async wrap(dataKey: Uint8Array): Promise<Uint8Array> {
      return (await call(`Key Vault wrapKey with ${options.keyId}`, async () => (await client()).wrapKey(algorithm, dataKey))).result;
    },
    async unwrap(wrapped: Uint8Array): Promise<Uint8Array> {
      return (await call(`Key Vault unwrapKey with ${options.keyId}`, async () => (await client()).unwrapKey(algorithm, wrapped), true)).result;
    },
  };
}

async function call<T>(what: string, op: () => Promise<T>, unwrapping = false): Promise<T> {
  try {
    return await op();
  } catch (err) {
    // Key Vault answers 400 BadParameter for a ciphertext it cannot unwrap: the stored key is damaged.
    throw toPolyfaasError(err, `${what} failed`, (e) => {
      const status = (e as { statusCode?: number } | undefined)?.statusCode;
      if (unwrapping && status === 400) return 'DataLoss';
      return classifyRemoteError(e, status);
    });
  }
}
