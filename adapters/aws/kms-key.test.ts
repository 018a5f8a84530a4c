import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../memory/index.js';
import { encryptedBucket } from '../../src/index.js';
import { awsKmsKey } from './kms-key.js';

/**
 * A stand-in for KMS behind the real SDK client (aws-sdk-client-mock): it
 * encrypts with a secret of its own and, like KMS, refuses a ciphertext
 * presented with another encryption context.
 */
function fakeKms() {
  const secret = randomBytes(32);
  const mock = mockClient(KMSClient);
  const calls = { encrypt: 0, decrypt: 0 };
  const aad = (ctx: Record<string, string> | undefined) => Buffer.from(JSON.stringify(Object.entries(ctx ?? {}).sort()));
  mock.on(EncryptCommand).callsFake((input: { Plaintext: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    calls.encrypt++;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', secret, iv).setAAD(aad(input.EncryptionContext));
    const body = Buffer.concat([c.update(input.Plaintext), c.final()]);
    return { CiphertextBlob: new Uint8Array(Buffer.concat([Buffer.alloc(120, 1), iv, body, c.getAuthTag()])), KeyId: 'arn:aws:kms:eu-west-1:111122223333:key/k' };
  });
  mock.on(DecryptCommand).callsFake((input: { CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
    calls.decrypt++;
    const blob = Buffer.from(input.CiphertextBlob).subarray(120);
    try {
      const d = createDecipheriv('aes-256-gcm', secret, blob.subarray(0, 12)).setAAD(aad(input.EncryptionContext));
      d.setAuthTag(blob.subarray(blob.byteLength - 16));
      return { Plaintext: new Uint8Array(Buffer.concat([d.update(blob.subarray(12, blob.byteLength - 16)), d.final()])) };
    } catch {
      throw Object.assign(new Error('invalid ciphertext'), { name: 'InvalidCiphertextException', $metadata: { httpStatusCode: 400 } });
    }
  });
  return { mock, calls };
}

const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('awsKmsKey', () => {
  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  it('encrypts objects with one Encrypt per write and one Decrypt per read, passing the wrap context as encryption context', async () => {
    const { mock, calls } = fakeKms();
    restore = () => mock.restore();
    const bucket = encryptedBucket(new MemoryBucket('kms'), awsKmsKey({ keyId: ARN, client: new KMSClient({ region: 'eu-west-1' }) }));
    await bucket.put('a', 'hello');
    await bucket.put('b', 'world');
    expect(calls.encrypt).toBe(2);
    expect(new TextDecoder().decode((await bucket.get('a')).body)).toBe('hello');
    expect(calls.decrypt).toBe(1);
    const sent = mock.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(sent?.KeyId).toBe(ARN);
    expect(sent?.EncryptionContext).toEqual({ purpose: 'polyfaas-data-key', bucket: 'mem://kms' });
    expect(mock.commandCalls(DecryptCommand)[0]?.args[0].input.KeyId).toBe(ARN);
  });

  it('maps KMS refusals to codes: another context is DataLoss, access denied is Forbidden', async () => {
    const { mock } = fakeKms();
    restore = () => mock.restore();
    const kek = awsKmsKey({ keyId: ARN, client: new KMSClient({ region: 'eu-west-1' }) });
    const wrapped = await kek.wrap(new Uint8Array(32), { bucket: 'a' });
    await expect(kek.unwrap(wrapped, { bucket: 'b' })).rejects.toMatchObject({ code: 'DataLoss' });
    mock.on(EncryptCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(kek.wrap(new Uint8Array(32), {})).rejects.toMatchObject({ code: 'Forbidden' });
  });
});
