import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MemoryBucket } from '../memory/index.js';
import { encryptedBucket } from '../../src/index.js';
import { canonicalContext } from '../../src/adapter.js';
import type { GcpKmsClient } from './kms-key.js';
import { gcpKmsKey } from './kms-key.js';

const NAME = 'projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k';

/** Cloud KMS as the client sees it: [response] tuples, gRPC status codes, AAD checked. */
function fakeCloudKms() {
  const secret = randomBytes(32);
  const requests: { method: string; name: string; aad: string }[] = [];
  const client: GcpKmsClient = {
    async encrypt(req) {
      requests.push({ method: 'encrypt', name: req.name, aad: Buffer.from(req.additionalAuthenticatedData).toString() });
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv).setAAD(req.additionalAuthenticatedData);
      const body = Buffer.concat([c.update(req.plaintext), c.final()]);
      return [{ ciphertext: Buffer.concat([iv, body, c.getAuthTag()]) }];
    },
    async decrypt(req) {
      requests.push({ method: 'decrypt', name: req.name, aad: Buffer.from(req.additionalAuthenticatedData).toString() });
      const blob = Buffer.from(req.ciphertext);
      try {
        const d = createDecipheriv('aes-256-gcm', secret, blob.subarray(0, 12)).setAAD(req.additionalAuthenticatedData);
        d.setAuthTag(blob.subarray(blob.byteLength - 16));
        return [{ plaintext: Buffer.concat([d.update(blob.subarray(12, blob.byteLength - 16)), d.final()]) }];
      } catch {
        throw Object.assign(new Error('3 INVALID_ARGUMENT: Decryption failed'), { code: 3 });
      }
    },
  };
  return { client, requests };
}

describe('gcpKmsKey', () => {
  it('the real client fits the interface the adapter calls', () => {
    expectTypeOf<KeyManagementServiceClient['encrypt']>().toBeCallableWith({ name: NAME, plaintext: new Uint8Array(), additionalAuthenticatedData: new Uint8Array() });
    expectTypeOf<KeyManagementServiceClient['decrypt']>().toBeCallableWith({ name: NAME, ciphertext: new Uint8Array(), additionalAuthenticatedData: new Uint8Array() });
  });

  it('wraps with one encrypt per write and unwraps with one decrypt per read, the context as AAD', async () => {
    const { client, requests } = fakeCloudKms();
    const bucket = encryptedBucket(new MemoryBucket('gcp'), gcpKmsKey({ name: NAME, client }));
    await bucket.put('a', 'hello');
    expect(new TextDecoder().decode((await bucket.get('a')).body)).toBe('hello');
    expect(requests.map((r) => r.method)).toEqual(['encrypt', 'decrypt']);
    expect(requests[0]?.name).toBe(NAME);
    expect(requests[0]?.aad).toBe(Buffer.from(canonicalContext({ purpose: 'polyfaas-data-key', bucket: 'mem://gcp' })).toString());
  });

  it('maps failures: another context is DataLoss, permission denied is Forbidden; refuses a malformed key name', async () => {
    const { client } = fakeCloudKms();
    const kek = gcpKmsKey({ name: NAME, client });
    const wrapped = await kek.wrap(new Uint8Array(32), { bucket: 'a' });
    await expect(kek.unwrap(wrapped, { bucket: 'b' })).rejects.toMatchObject({ code: 'DataLoss' });
    const denied = gcpKmsKey({ name: NAME, client: { ...client, encrypt: () => Promise.reject(Object.assign(new Error('7 PERMISSION_DENIED'), { code: 7 })) } });
    await expect(denied.wrap(new Uint8Array(32), {})).rejects.toMatchObject({ code: 'Forbidden' });
    expect(() => gcpKmsKey({ name: 'my-key' })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
