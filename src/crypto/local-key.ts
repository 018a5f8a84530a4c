import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, randomFillSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PolyfaasError } from '../errors.js';
import type { KeyEncryptionKey, WrapContext } from './key-encryption-key.js';
import { canonicalContext, checkKeyId } from './key-encryption-key.js';

/** The environment variable {@link localKeyFromEnv} reads by default. */
export const LOCAL_KEY_ENV = 'POLYFAAS_ENCRYPTION_KEY';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A 256-bit key held in this process, for development and tests: wraps data
 * keys with AES-256-GCM (random 96-bit IV, the context as associated data;
 * 60 bytes per wrapped key). Whoever can read the key can read every object:
 * in production use a cloud KMS, whose key never leaves the service.
 *
 * @param material 32 bytes, or their base64 (what {@link generateLocalKey} prints).
 * @param id stored with each object; default `local:` + a fingerprint of the key (a hash, not the key).
 *
 * @example
 * ```ts
 * const kek = localKey(process.env.MY_KEY as string);
 * ```
 */
export function localKey(material: Uint8Array | string, id?: string): KeyEncryptionKey {
  const key = typeof material === 'string' ? Buffer.from(material.trim(), 'base64') : Buffer.from(material);
  if (key.byteLength !== KEY_BYTES) {
    throw new PolyfaasError('InvalidArgument', `A local key must be ${KEY_BYTES} bytes (base64 of 32 random bytes; see generateLocalKey)`);
  }
  const keyId = id ?? `local:${createHash('sha256').update('polyfaas-local-key-id').update(key).digest('hex').slice(0, 16)}`;
  checkKeyId(keyId);
  const secret = createSecretKey(key);
  // An encrypted bucket passes the same context object on every call: serialise it once.
  const aads = new WeakMap<WrapContext, Uint8Array>();
  const aad = (context: WrapContext): Uint8Array => {
    let bytes = aads.get(context);
    if (!bytes) aads.set(context, (bytes = canonicalContext(context)));
    return bytes;
  };
  return {
    id: keyId,
    async wrap(dataKey: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      const out = Buffer.allocUnsafe(IV_BYTES + dataKey.byteLength + TAG_BYTES);
      const iv = randomFillSync(out.subarray(0, IV_BYTES));
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(aad(context));
      let at = IV_BYTES + cipher.update(dataKey).copy(out, IV_BYTES);
      at += cipher.final().copy(out, at);
      cipher.getAuthTag().copy(out, at);
      return out;
    },
    async unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Uint8Array> {
      if (wrapped.byteLength < IV_BYTES + TAG_BYTES) throw new PolyfaasError('DataLoss', `Wrapped data key is too short for ${keyId}`);
      const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(bytes.subarray(bytes.byteLength - TAG_BYTES));
        const dataKey = decipher.update(bytes.subarray(IV_BYTES, bytes.byteLength - TAG_BYTES));
        decipher.final();
        return dataKey;
      } catch (err) {
        throw new PolyfaasError('DataLoss', `Data key does not unwrap with ${keyId} (tampered, or wrapped for another bucket)`, { cause: err });
      }
    },
  };
}

/**
 * A local key from an environment variable holding base64 of 32 bytes.
 * `InvalidArgument` when it is unset or malformed (the message names the variable, never its value).
 */
export function localKeyFromEnv(variable = LOCAL_KEY_ENV, id?: string, env: Readonly<Record<string, string | undefined>> = process.env): KeyEncryptionKey {
  const value = env[variable];
  if (!value) throw new PolyfaasError('InvalidArgument', `Set ${variable} to a key (generate one with generateLocalKey())`);
  try {
    return localKey(value, id);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${variable} must hold base64 of 32 random bytes`, { cause: err });
  }
}

/** A local key from a file holding either 32 raw bytes or their base64. */
export async function localKeyFromFile(file: string, id?: string): Promise<KeyEncryptionKey> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'The key file cannot be read', { cause: err });
  }
  return localKey(bytes.byteLength === KEY_BYTES ? bytes : bytes.toString('utf8'), id);
}

/** 32 fresh random bytes as base64: a value for {@link LOCAL_KEY_ENV} or a key file. */
export function generateLocalKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
