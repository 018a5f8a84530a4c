import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';
import type { CryptographyClient } from '@azure/keyvault-keys';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MemoryBucket } from '../memory/index.js';
import { encryptedBucket } from '../../src/index.js';
import type { KeyVaultCryptoClient } from './key-vault-key.js';
import { azureKeyVaultKey } from './key-vault-key.js';

const KEY_ID = 'https://my-vault.vault.azure.net/keys/data-kek/0123456789abcdef0123456789abcdef';

/** Key Vault as CryptographyClient shows it: RSA-OAEP-256 with a key pair it keeps, 400 for a foreign ciphertext. */
function fakeKeyVault() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const calls: string[] = [];
  const client: KeyVaultCryptoClient = {
    async wrapKey(algorithm, key) {
      calls.push(`wrap ${algorithm}`);
      return { result: publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key) };
    },
    async unwrapKey(algorithm, encryptedKey) {
      calls.push(`unwrap ${algorithm}`);
      try {
        return { result: privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, encryptedKey) };
      } catch {
        throw Object.assign(new Error('BadParameter'), { statusCode: 400 });
      }
    },
  };
  return { client, calls };
}

describe('azureKeyVaultKey', () => {
  it('the real CryptographyClient fits the interface the adapter calls', () => {
    expectTypeOf<CryptographyClient>().toMatchTypeOf<KeyVaultCryptoClient>();
  });

  it('wraps with one wrapKey per write and unwraps with one unwrapKey per read (RSA-OAEP-256)', async () => {
    const { client, calls } = fakeKeyVault();
    const bucket = encryptedBucket(new MemoryBucket('az'), azureKeyVaultKey({ keyId: KEY_ID, client }));
    await bucket.put('a', 'hello');
    expect(new TextDecoder().decode((await bucket.get('a')).body)).toBe('hello');
    expect(calls).toEqual(['wrap RSA-OAEP-256', 'unwrap RSA-OAEP-256']);
  });

  it('a damaged wrapped key is DataLoss; ids must be versioned https URLs; no credential is refused on use', async () => {
    const { client } = fakeKeyVault();
    const kek = azureKeyVaultKey({ keyId: KEY_ID, client });
    const wrapped = Buffer.from(await kek.wrap(new Uint8Array(32), {}));
    wrapped.writeUInt8(wrapped.readUInt8(5) ^ 1, 5);
    await expect(kek.unwrap(wrapped, {})).rejects.toMatchObject({ code: 'DataLoss' });
    for (const bad of ['data-kek', 'http://my-vault.vault.azure.net/keys/k/v', 'https://my-vault.vault.azure.net/keys/k']) {
      expect(() => azureKeyVaultKey({ keyId: bad, client }), bad).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
    await expect(azureKeyVaultKey({ keyId: KEY_ID }).wrap(new Uint8Array(32), {})).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
