import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../storage/types.js';
import { sha256Hex, type ModelVersionInfo } from './manifest.js';
import { ModelSigningKey } from './signing-keys.js';
import type { ModelSigningOptions } from './signing-policy.js';
import { ModelStore } from './store.js';
import { rejection, tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** A clock that moves 1 s per call, so versions and alias sequences follow call order. */
function steppingClock(start = Date.UTC(2026, 10, 27, 3, 45, 12, 123)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const json = <T>(bytes: Uint8Array) => JSON.parse(text(bytes)) as T;

/** Save a tiny model and return its version id. */
async function saveTiny(store: ModelStore, seed: number): Promise<string> {
  const model = tinyModel(seed);
  try {
    return (await store.save('digits', model, { labels: ['a', 'b', 'c'] })).version;
  } finally {
    model.dispose();
  }
}

function storeWith(bucket: Bucket, signing: ModelSigningOptions | false, clock = steppingClock()): ModelStore {
  return new ModelStore(bucket, { signing, now: clock });
}

/**
 * The attack from issue #13: replace a version's weights with other weights
 * and rewrite its manifest with the new file's size and SHA-256, so the
 * manifest check alone passes.
 */
async function replaceWeightsAndRecomputeManifest(bucket: Bucket, victim: string, donor: string): Promise<void> {
  const folder = (v: string) => `models/digits/versions/${v}/`;
  const weights = (await bucket.get(`${folder(donor)}weights.bin`)).body;
  await bucket.put(`${folder(victim)}weights.bin`, weights);
  const manifest = json<ModelVersionInfo>((await bucket.get(`${folder(victim)}manifest.json`)).body);
  const files = manifest.files.map((f) => (f.path === 'weights.bin' ? { ...f, size: weights.byteLength, sha256: sha256Hex(weights) } : f));
  await bucket.put(`${folder(victim)}manifest.json`, new TextEncoder().encode(JSON.stringify({ ...manifest, files }, null, 2)));
}

describe('ModelStore with signing', () => {
  const key = ModelSigningKey.generate('ed25519', 'prod-2026');

  it('signs each version before its manifest appears, and loads it verified', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const version = await saveTiny(store, 1);
    const folder = `models/digits/versions/${version}/`;
    expect(await bucket.exists(`${folder}model.sig`)).toBe(true);
    const loaded = await store.load('digits', { version });
    expect(loaded.signedBy).toBe('prod-2026');
    loaded.model.dispose();
    // A reader holding only the public key verifies too.
    const reader = storeWith(bucket, { verifyKeys: [key.verifyKey()] });
    const viaReader = await reader.load('digits', { version });
    expect(viaReader.signedBy).toBe('prod-2026');
    viaReader.model.dispose();
  });

  it('refuses the exact attack: weights replaced and the manifest recomputed (Forbidden, digest-mismatch)', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const victim = await saveTiny(store, 1);
    const donor = await saveTiny(store, 2);
    await replaceWeightsAndRecomputeManifest(bucket, victim, donor);

    const err = await rejection(store.load('digits', { version: victim }));
    expect(err.code).toBe('Forbidden');
    expect(err.details).toMatchObject({ reason: 'digest-mismatch', file: 'manifest.json', keyId: 'prod-2026' });
    expect((await rejection(store.info('digits', victim))).details?.reason).toBe('digest-mismatch');
    // Listing still shows it, and it can be deleted.
    expect((await store.list('digits')).map((v) => v.version)).toEqual([victim, donor]);
    await store.delete('digits', victim);
    // The same attack on an unsigned store still loads the attacker's weights: that is the hole signing closes.
    const unsignedBucket = new MemoryBucket();
    const unsigned = storeWith(unsignedBucket, false);
    const v1 = await saveTiny(unsigned, 1);
    const v2 = await saveTiny(unsigned, 2);
    await replaceWeightsAndRecomputeManifest(unsignedBucket, v1, v2);
    const tampered = await unsigned.load('digits', { version: v1 });
    tampered.model.dispose();
  });

  it('refuses weights replaced without touching the manifest (DataLoss, as before signing)', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const victim = await saveTiny(store, 1);
    const donor = await saveTiny(store, 2);
    await bucket.put(`models/digits/versions/${victim}/weights.bin`, (await bucket.get(`models/digits/versions/${donor}/weights.bin`)).body);
    expect((await rejection(store.load('digits', { version: victim }))).code).toBe('DataLoss');
  });

  it('refuses a tampered version re-signed with the attacker’s own key (unknown-key)', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const victim = await saveTiny(store, 1);
    const donor = await saveTiny(store, 2);
    await replaceWeightsAndRecomputeManifest(bucket, victim, donor);
    const attacker = storeWith(bucket, { signingKey: ModelSigningKey.generate('ed25519', 'prod-2026-x') });
    await attacker.sign('digits', victim, { replace: true });
    const err = await rejection(store.load('digits', { version: victim }));
    expect(err.code).toBe('Forbidden');
    expect(err.details?.reason).toBe('unknown-key');
  });

  it('refuses an attacker who keeps our key id on their own key (bad-signature)', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const victim = await saveTiny(store, 1);
    await replaceWeightsAndRecomputeManifest(bucket, victim, await saveTiny(store, 2));
    await storeWith(bucket, { signingKey: ModelSigningKey.generate('ed25519', 'prod-2026') }).sign('digits', victim, { replace: true });
    expect((await rejection(store.load('digits', { version: victim }))).details?.reason).toBe('bad-signature');
  });

  it('refuses an unsigned version and an unsigned store’s versions when signatures are required', async () => {
    const bucket = new MemoryBucket();
    const version = await saveTiny(storeWith(bucket, false), 1);
    const verifying = storeWith(bucket, { verifyKeys: [key.verifyKey()] });
    const err = await rejection(verifying.load('digits', { version }));
    expect(err.code).toBe('Forbidden');
    expect(err.details?.reason).toBe('unsigned');
    // A deleted signature is the same as none.
    const signedVersion = await saveTiny(storeWith(bucket, { signingKey: key }), 2);
    await bucket.delete(`models/digits/versions/${signedVersion}/model.sig`);
    expect((await rejection(verifying.load('digits', { version: signedVersion }))).details?.reason).toBe('unsigned');
  });

  it('with requireSignature: false tolerates unsigned versions but still refuses tampered signed ones', async () => {
    const bucket = new MemoryBucket();
    const unsigned = await saveTiny(storeWith(bucket, false), 1);
    const signed = await saveTiny(storeWith(bucket, { signingKey: key }), 2);
    const lenient = storeWith(bucket, { verifyKeys: [key.verifyKey()], requireSignature: false });
    const loaded = await lenient.load('digits', { version: unsigned });
    expect(loaded.signedBy).toBeUndefined();
    loaded.model.dispose();
    await replaceWeightsAndRecomputeManifest(bucket, signed, unsigned);
    expect((await rejection(lenient.load('digits', { version: signed }))).details?.reason).toBe('digest-mismatch');
  });

  it('refuses a signed version copied to another version id (wrong-subject)', async () => {
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: key });
    const original = await saveTiny(store, 1);
    const fake = '20300101T000000000Z-abcdef';
    for await (const object of bucket.list({ prefix: `models/digits/versions/${original}/` })) {
      const body = (await bucket.get(object.key)).body;
      await bucket.put(object.key.replace(original, fake), body);
    }
    const err = await rejection(store.load('digits', { version: fake }));
    expect(err.details?.reason).toBe('wrong-subject');
  });

  it('accepts versions signed by either key during rotation, and refuses the old key once it is dropped', async () => {
    const oldKey = ModelSigningKey.generate('ed25519', 'k-2025');
    const newKey = ModelSigningKey.generate('ecdsa-p256', 'k-2026');
    const bucket = new MemoryBucket();
    const clock = steppingClock();
    const vOld = await saveTiny(storeWith(bucket, { signingKey: oldKey }, clock), 1);
    const vNew = await saveTiny(storeWith(bucket, { signingKey: newKey }, clock), 2);
    const both = storeWith(bucket, { verifyKeys: [oldKey.verifyKey(), newKey.verifyKey()] });
    for (const [version, keyId] of [
      [vOld, 'k-2025'],
      [vNew, 'k-2026'],
    ] as const) {
      const loaded = await both.load('digits', { version });
      expect(loaded.signedBy).toBe(keyId);
      loaded.model.dispose();
    }
    const onlyNew = storeWith(bucket, { verifyKeys: [newKey.verifyKey()] });
    expect((await rejection(onlyNew.load('digits', { version: vOld }))).details?.reason).toBe('unknown-key');
    // Re-signing the old version with the new key completes the rotation.
    await storeWith(bucket, { signingKey: newKey }).sign('digits', vOld, { replace: true });
    const resigned = await onlyNew.load('digits', { version: vOld });
    expect(resigned.signedBy).toBe('k-2026');
    resigned.model.dispose();
  });

  it('works the same with an HMAC-SHA-256 secret; a different secret is an unknown signer', async () => {
    const secret = ModelSigningKey.generate('hmac-sha256', 'shared-1');
    const bucket = new MemoryBucket();
    const store = storeWith(bucket, { signingKey: secret });
    const v1 = await saveTiny(store, 1);
    const v2 = await saveTiny(store, 2);
    await store.promote('digits', v1, 'production');
    const loaded = await store.load('digits', { alias: 'production' });
    expect(loaded.signedBy).toBe('shared-1');
    loaded.model.dispose();
    await replaceWeightsAndRecomputeManifest(bucket, v1, v2);
    expect((await rejection(store.load('digits', { version: v1 }))).details?.reason).toBe('digest-mismatch');
    const guessed = storeWith(bucket, { verifyKeys: [ModelSigningKey.generate('hmac-sha256', 'shared-1').verifyKey()] });
    expect((await rejection(guessed.load('digits', { version: v2 }))).details?.reason).toBe('bad-signature');
  });

  it('signs existing versions once, refuses to sign a tampered one, and removes the signature on delete', async () => {
    const bucket = new MemoryBucket();
    const plain = storeWith(bucket, false);
    const v1 = await saveTiny(plain, 1);
    const v2 = await saveTiny(plain, 2);
    const signer = storeWith(bucket, { signingKey: key });
    await signer.sign('digits', v1);
    expect((await rejection(signer.sign('digits', v1))).code).toBe('AlreadyExists');
    expect((await signer.verify('digits', v1)).signedBy).toBe('prod-2026');
    await bucket.put(`models/digits/versions/${v2}/weights.bin`, (await bucket.get(`models/digits/versions/${v1}/weights.bin`)).body);
    expect((await rejection(signer.sign('digits', v2))).code).toBe('DataLoss');
    await signer.delete('digits', v1);
    expect(await bucket.exists(`models/digits/versions/${v1}/model.sig`)).toBe(false);
  });

  it('signs when the key comes from the environment, and verifies with POLYFAAS_MODEL_VERIFY_KEYS', async () => {
    vi.stubEnv('POLYFAAS_MODEL_SIGNING_KEY', key.export());
    const bucket = new MemoryBucket();
    const version = await saveTiny(new ModelStore(bucket), 1);
    vi.stubEnv('POLYFAAS_MODEL_SIGNING_KEY', '');
    vi.stubEnv('POLYFAAS_MODEL_VERIFY_KEYS', key.verifyKey().export());
    const reader = new ModelStore(bucket);
    expect(reader.trust.requireSignature).toBe(true);
    expect((await reader.verify('digits', version)).signedBy).toBe('prod-2026');
  });
});

describe('ModelStore signed aliases', () => {
  const key = ModelSigningKey.generate('ed25519', 'prod-2026');
  const aliasKey = 'models/digits/aliases/production.json';

  async function signedStore() {
    const bucket = new MemoryBucket();
    const clock = steppingClock();
    const store = storeWith(bucket, { signingKey: key }, clock);
    const v1 = await saveTiny(store, 1);
    const v2 = await saveTiny(store, 2);
    return { bucket, store, clock, v1, v2 };
  }

  it('signs promotions with a growing sequence and resolves them', async () => {
    const { store, v1, v2 } = await signedStore();
    const first = await store.promote('digits', v1, 'production');
    const second = await store.promote('digits', v2, 'production');
    expect(first.signature?.signatures[0]?.keyid).toBe('prod-2026');
    expect(second.sequence).toBeGreaterThan(first.sequence!);
    expect((await store.resolveAlias('digits', 'production')).version).toBe(v2);
  });

  it('refuses an old signed version re-pointed by an unsigned alias edit', async () => {
    const { bucket, store, v1, v2 } = await signedStore();
    await store.promote('digits', v2, 'production');
    await bucket.put(aliasKey, new TextEncoder().encode(JSON.stringify({ version: v1, previous: v2, updatedAt: new Date().toISOString(), history: [] })));
    const err = await rejection(store.load('digits', { alias: 'production' }));
    expect(err.code).toBe('Forbidden');
    expect(err.details?.reason).toBe('unsigned');
  });

  it('refuses a signed alias record whose version field was edited (wrong-subject)', async () => {
    const { bucket, store, v1, v2 } = await signedStore();
    await store.promote('digits', v2, 'production');
    const record = json<Record<string, unknown>>((await bucket.get(aliasKey)).body);
    await bucket.put(aliasKey, new TextEncoder().encode(JSON.stringify({ ...record, version: v1 })));
    expect((await rejection(store.resolveAlias('digits', 'production'))).details?.reason).toBe('wrong-subject');
  });

  it('refuses a signed record copied from another alias (wrong-subject)', async () => {
    const { bucket, store, v1 } = await signedStore();
    await store.promote('digits', v1, 'staging');
    await bucket.put(aliasKey, (await bucket.get('models/digits/aliases/staging.json')).body);
    expect((await rejection(store.resolveAlias('digits', 'production'))).details?.reason).toBe('wrong-subject');
  });

  it('refuses a replayed older signed record in a process that saw the newer one (alias-rollback)', async () => {
    const { bucket, store, v1, v2 } = await signedStore();
    await store.promote('digits', v1, 'production');
    const old = (await bucket.get(aliasKey)).body;
    await store.promote('digits', v2, 'production');
    await bucket.put(aliasKey, old);
    const err = await rejection(store.resolveAlias('digits', 'production'));
    expect(err.details).toMatchObject({ reason: 'alias-rollback', version: v1, lastVersion: v2 });
    // The documented limit: a process with no memory of the newer record accepts the older signed one.
    expect((await storeWith(bucket, { verifyKeys: [key.verifyKey()] }).resolveAlias('digits', 'production')).version).toBe(v1);
  });

  it('a legitimate promotion after a tampered record outranks every earlier signed one, ignoring the unsigned sequence', async () => {
    const { bucket, store, clock, v1, v2 } = await signedStore();
    const good = await store.promote('digits', v1, 'production');
    const reader = storeWith(bucket, { verifyKeys: [key.verifyKey()] });
    expect((await reader.resolveAlias('digits', 'production')).sequence).toBe(good.sequence);
    await bucket.put(aliasKey, new TextEncoder().encode(JSON.stringify({ version: v2, previous: null, updatedAt: 'x', history: [], sequence: 9e15 })));
    expect((await rejection(reader.resolveAlias('digits', 'production'))).details?.reason).toBe('unsigned');
    // Another promoter (no memory of `good`) fixes the alias: its sequence comes from its clock, not the forged 9e15.
    const moved = await storeWith(bucket, { signingKey: key }, clock).promote('digits', v2, 'production');
    expect(moved.sequence).toBeGreaterThan(good.sequence!);
    expect(moved.sequence).toBeLessThan(9e15);
    expect((await reader.resolveAlias('digits', 'production')).version).toBe(v2);
  });

  it('refuses to promote an unsigned version, or to promote without the signing key', async () => {
    const { bucket, store, v1 } = await signedStore();
    const unsigned = await saveTiny(storeWith(bucket, false), 3);
    expect((await rejection(store.promote('digits', unsigned, 'production'))).details?.reason).toBe('unsigned');
    const reader = storeWith(bucket, { verifyKeys: [key.verifyKey()] });
    const err = await rejection(reader.promote('digits', v1, 'production'));
    expect(err.code).toBe('Forbidden');
    expect(err.details?.reason).toBe('no-signing-key');
  });

  it('signs an alias made before signing was set up', async () => {
    const bucket = new MemoryBucket();
    const plain = storeWith(bucket, false);
    const version = await saveTiny(plain, 1);
    await plain.promote('digits', version, 'production');
    const signer = storeWith(bucket, { signingKey: key });
    expect((await rejection(signer.resolveAlias('digits', 'production'))).details?.reason).toBe('unsigned');
    await signer.sign('digits', version);
    const signed = await signer.signAlias('digits', 'production');
    expect(signed.version).toBe(version);
    expect((await storeWith(bucket, { verifyKeys: [key.verifyKey()] }).resolveAlias('digits', 'production')).version).toBe(version);
  });
});
