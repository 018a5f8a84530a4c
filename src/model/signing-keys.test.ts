import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { MODEL_SIGNATURE_FILE, signResources, verifyResources } from './signing-bundle.js';
import { openEnvelope, pae, signEnvelope } from './signing-dsse.js';
import { ModelSigningKey, ModelVerifyKey, type ModelSigningAlgorithm } from './signing-keys.js';
import { modelSigningFromEnv, ModelTrust } from './signing-policy.js';

function thrown(fn: () => unknown): PolyfaasError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PolyfaasError);
    return err as PolyfaasError;
  }
  throw new Error('expected a PolyfaasError');
}

const keyring = (...keys: ModelVerifyKey[]) => new Map(keys.map((k) => [k.keyId, k]));
const data = Buffer.from('the bytes that matter');

describe('model signing keys', () => {
  it.each<ModelSigningAlgorithm>(['ed25519', 'ecdsa-p256', 'hmac-sha256'])('%s: signs, verifies, and survives its text form', (algorithm) => {
    const key = ModelSigningKey.generate(algorithm);
    expect(key.keyId).toMatch(new RegExp(`^${algorithm}-[0-9a-f]{16}$`));
    const again = ModelSigningKey.parse(key.export());
    const verifier = ModelVerifyKey.parse(key.verifyKey().export());
    expect(verifier.keyId).toBe(key.keyId);
    expect(verifier.verify(data, again.sign(data))).toBe(true);
    expect(verifier.verify(Buffer.from('other bytes'), key.sign(data))).toBe(false);
    expect(ModelSigningKey.generate(algorithm).verifyKey().verify(data, key.sign(data))).toBe(false);
  });

  it('reads PEM keys and derives the same key id as the text form', () => {
    const key = ModelSigningKey.generate('ed25519');
    const fromPem = ModelSigningKey.parse(key.privateKeyPem()!);
    expect(fromPem.keyId).toBe(key.keyId);
    expect(ModelVerifyKey.parse(key.verifyKey().publicKeyPem()!).keyId).toBe(key.keyId);
    expect(ModelSigningKey.parse(key.privateKeyPem()!, 'ops-2026').keyId).toBe('ops-2026');
  });

  it('refuses keys that claim another algorithm, RSA keys, short HMAC secrets and garbage — without quoting them', () => {
    const ed = ModelSigningKey.generate('ed25519');
    const [id, , material] = ed.export().split(':');
    expect(thrown(() => ModelSigningKey.parse(`${id}:ecdsa-p256:${material}`)).message).toMatch(/says ecdsa-p256 but holds an ed25519 key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(thrown(() => ModelVerifyKey.parse(rsa)).code).toBe('InvalidArgument');
    expect(thrown(() => ModelVerifyKey.parse(`k:hmac-sha256:${Buffer.alloc(16).toString('base64')}`)).message).toMatch(/at least 32 bytes/);
    const garbage = thrown(() => ModelSigningKey.parse('k:ed25519:c2VjcmV0LW5vdC1hLWtleQ=='));
    expect(garbage.message).not.toContain('c2VjcmV0');
    expect(thrown(() => ModelVerifyKey.parse('no colons here')).code).toBe('InvalidArgument');
  });

  it('parses several verify keys (rotation), mixing text and PEM, and refuses a private key among them', () => {
    const a = ModelSigningKey.generate('ed25519', 'old');
    const b = ModelSigningKey.generate('ecdsa-p256', 'new');
    const c = ModelSigningKey.generate('ed25519');
    const keys = ModelVerifyKey.parseList(`${a.verifyKey().export()}, ${b.verifyKey().export()}\n${c.verifyKey().publicKeyPem()!}`);
    expect(keys.map((k) => k.keyId)).toEqual([c.keyId, 'old', 'new']);
    expect(thrown(() => ModelVerifyKey.parseList(a.privateKeyPem()!)).message).toMatch(/never private keys/);
  });
});

describe('DSSE envelopes', () => {
  it('uses the DSSE v1 pre-authentication encoding', () => {
    expect(pae('application/x', Buffer.from('hi')).toString()).toBe('DSSEv1 13 application/x 2 hi');
  });

  it('opens with a trusted key and refuses unknown keys, other payload types and altered payloads', () => {
    const key = ModelSigningKey.generate('ed25519');
    const envelope = signEnvelope(key, 'application/x', data);
    expect(openEnvelope(envelope, 'application/x', keyring(key.verifyKey()), 'thing')).toEqual({ payload: data, keyId: key.keyId });
    expect(thrown(() => openEnvelope(envelope, 'application/x', keyring(ModelSigningKey.generate().verifyKey()), 'thing')).details?.reason).toBe('unknown-key');
    expect(thrown(() => openEnvelope(envelope, 'application/y', keyring(key.verifyKey()), 'thing')).details?.reason).toBe('malformed-signature');
    const altered = { ...envelope, payload: Buffer.from('the bytes that matter!').toString('base64') };
    const err = thrown(() => openEnvelope(altered, 'application/x', keyring(key.verifyKey()), 'thing'));
    expect(err.code).toBe('Forbidden');
    expect(err.details?.reason).toBe('bad-signature');
  });
});

describe('model.sig (OpenSSF model_signing v1.0 layout)', () => {
  const resources = [
    { name: 'weights.bin', sha256: 'a'.repeat(64) },
    { name: 'manifest.json', sha256: 'b'.repeat(64) },
  ];

  it('is a Sigstore bundle around a DSSE in-toto statement with sorted resources and the public key hint', () => {
    const key = ModelSigningKey.generate('ecdsa-p256');
    const bundle = JSON.parse(Buffer.from(signResources(key, 'm/v', resources)).toString()) as {
      mediaType: string;
      verificationMaterial: { publicKey: { hint: string }; tlogEntries: unknown[] };
      dsseEnvelope: { payload: string; payloadType: string; signatures: { keyid: string }[] };
    };
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial).toEqual({ publicKey: { hint: key.verifyKey().publicKeyHint() }, tlogEntries: [] });
    expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(bundle.dsseEnvelope.signatures[0]?.keyid).toBe(key.keyId);
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as Record<string, unknown>;
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://model_signing/signature/v1.0',
      subject: [{ name: 'm/v' }],
      predicate: {
        serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [MODEL_SIGNATURE_FILE] },
        resources: [
          { name: 'manifest.json', algorithm: 'sha256', digest: 'b'.repeat(64) },
          { name: 'weights.bin', algorithm: 'sha256', digest: 'a'.repeat(64) },
        ],
      },
    });
    const verified = verifyResources(signResources(key, 'm/v', resources), 'm/v', keyring(key.verifyKey()));
    expect(Object.fromEntries(verified.resources)).toEqual({ 'manifest.json': 'b'.repeat(64), 'weights.bin': 'a'.repeat(64) });
  });

  it('refuses a signature made for another model or version', () => {
    const key = ModelSigningKey.generate();
    const err = thrown(() => verifyResources(signResources(key, 'm/v1', resources), 'm/v2', keyring(key.verifyKey())));
    expect(err.details?.reason).toBe('wrong-subject');
  });
});

describe('signing settings from the environment', () => {
  it('reads the signing key, verify keys and the requirement; trusts the signing key itself', () => {
    const signer = ModelSigningKey.generate('hmac-sha256', 'shared');
    const other = ModelSigningKey.generate('ed25519', 'ci');
    const options = modelSigningFromEnv({ POLYFAAS_MODEL_SIGNING_KEY: signer.export(), POLYFAAS_MODEL_VERIFY_KEYS: other.verifyKey().export() });
    const trust = new ModelTrust(options);
    expect([...trust.keys.keys()]).toEqual(['ci', 'shared']);
    expect(trust.requireSignature).toBe(true);
    expect(new ModelTrust(modelSigningFromEnv({})).requireSignature).toBe(false);
    expect(new ModelTrust(modelSigningFromEnv({ POLYFAAS_MODEL_VERIFY_KEYS: other.verifyKey().export(), POLYFAAS_MODEL_REQUIRE_SIGNATURE: 'false' })).requireSignature).toBe(false);
  });

  it('names the variable, not the key, when one is malformed; refuses a requirement with no key', () => {
    const err = thrown(() => modelSigningFromEnv({ POLYFAAS_MODEL_SIGNING_KEY: 'k:ed25519:bm90IGEga2V5' }));
    expect(err.message).toMatch(/^POLYFAAS_MODEL_SIGNING_KEY: /);
    expect(err.message).not.toContain('bm90IGEga2V5');
    expect(thrown(() => new ModelTrust(modelSigningFromEnv({ POLYFAAS_MODEL_REQUIRE_SIGNATURE: 'true' }))).code).toBe('InvalidArgument');
  });
});
