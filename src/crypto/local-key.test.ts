import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyring } from './key-encryption-key.js';
import { generateLocalKey, localKey, localKeyFromEnv, localKeyFromFile } from './local-key.js';

describe('local key-encryption key', () => {
  it('wraps and unwraps a data key bound to its context', async () => {
    const kek = localKey(generateLocalKey());
    const dataKey = new Uint8Array(32).fill(7);
    const wrapped = await kek.wrap(dataKey, { bucket: 'a', purpose: 'p' });
    expect(wrapped.byteLength).toBe(60);
    // Context order does not matter; its content does.
    expect(Array.from(await kek.unwrap(wrapped, { purpose: 'p', bucket: 'a' }))).toEqual(Array.from(dataKey));
    await expect(kek.unwrap(wrapped, { bucket: 'b', purpose: 'p' })).rejects.toMatchObject({ code: 'DataLoss' });
    await expect(kek.unwrap(wrapped.subarray(0, 20), { bucket: 'a', purpose: 'p' })).rejects.toMatchObject({ code: 'DataLoss' });
  });

  it('derives a stable id that is not the key, and refuses keys of the wrong size', () => {
    const material = generateLocalKey();
    expect(localKey(material).id).toBe(localKey(material).id);
    expect(localKey(material).id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(localKey(material).id).not.toContain(material.slice(0, 8));
    expect(() => localKey('c2hvcnQ=')).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('loads from the environment without echoing the value', () => {
    const material = generateLocalKey();
    expect(localKeyFromEnv('K', 'env-key', { K: material }).id).toBe('env-key');
    expect(() => localKeyFromEnv('K', undefined, {})).toThrow(/Set K/);
    try {
      localKeyFromEnv('K', undefined, { K: 'not-a-key-value' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('not-a-key-value');
    }
  });

  it('loads from a file holding base64 or raw bytes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-key-'));
    try {
      const material = generateLocalKey();
      await writeFile(path.join(dir, 'b64'), `${material}\n`);
      await writeFile(path.join(dir, 'raw'), Buffer.from(material, 'base64'));
      expect((await localKeyFromFile(path.join(dir, 'b64'))).id).toBe(localKey(material).id);
      expect((await localKeyFromFile(path.join(dir, 'raw'))).id).toBe(localKey(material).id);
      await expect(localKeyFromFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'InvalidArgument' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a keyring refuses duplicate ids', () => {
    const a = localKey(generateLocalKey(), 'same');
    const b = localKey(generateLocalKey(), 'same');
    expect(() => keyring(a, b)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(keyring(a).find('same')).toBe(a);
  });
});
