import { describe, expect, it } from 'vitest';
import { isPolyfaasError } from '../errors.js';
import { ApiKeyVerifier, generateApiKey, hashApiKey, loadApiKeys, parseApiKeys } from './api-keys.js';

describe('API keys', () => {
  it('hashes keys with SHA-256 (a known vector) and generates distinct 256-bit keys', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const a = generateApiKey();
    expect(a).toMatch(/^pfk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
  });

  it('parses POLYFAAS_API_KEYS: ids, keys or sha256 hashes, space-separated scopes, commas and new lines', () => {
    const hash = hashApiKey('old-key');
    const records = parseApiKeys(`ci:new-key:predict, old:sha256.${hash.toUpperCase()}:predict models:write\nbare:k3`);
    expect(records).toEqual([
      { id: 'ci', sha256: hashApiKey('new-key'), scopes: ['predict'] },
      { id: 'old', sha256: hash, scopes: ['predict', 'models:write'] },
      { id: 'bare', sha256: hashApiKey('k3'), scopes: [] },
    ]);
    // The key itself is not kept anywhere in what was parsed.
    expect(JSON.stringify(records)).not.toContain('new-key');
  });

  it('refuses malformed entries without echoing them', () => {
    for (const bad of ['no-secret', 'id:', 'bad id:SECRETX', 'x:sha256.SECRETX']) {
      let caught: unknown;
      try {
        parseApiKeys(`ok:k, ${bad}`);
      } catch (err) {
        caught = err;
      }
      expect(isPolyfaasError(caught, 'InvalidArgument'), bad).toBe(true);
      expect((caught as Error).message).toMatch(/entry 2/);
      expect((caught as Error).message).not.toContain('SECRETX');
    }
  });

  it('loads keys from code and from the named environment variable together; env: false reads none', () => {
    const code = [{ id: 'code', sha256: hashApiKey('c') }];
    expect(loadApiKeys({ keys: code }, { POLYFAAS_API_KEYS: 'env:e' }).map((r) => r.id)).toEqual(['code', 'env']);
    expect(loadApiKeys({ env: 'MY_KEYS' }, { POLYFAAS_API_KEYS: 'a:b', MY_KEYS: 'mine:m' }).map((r) => r.id)).toEqual(['mine']);
    expect(loadApiKeys({ env: false, keys: code }, { POLYFAAS_API_KEYS: 'env:e' }).map((r) => r.id)).toEqual(['code']);
  });

  it('verifies the exact key only: a key differing in one character, a prefix or an empty key is refused', () => {
    const verifier = new ApiKeyVerifier([
      { id: 'a', sha256: hashApiKey('pfk_alpha') },
      { id: 'b', sha256: hashApiKey('pfk_beta'), scopes: ['predict'] },
    ]);
    expect(verifier.verify('pfk_beta')).toMatchObject({ id: 'b', scopes: ['predict'] });
    expect(verifier.verify('pfk_alpha')?.id).toBe('a');
    for (const wrong of ['pfk_betA', 'pfk_bet', 'pfk_beta ', '', hashApiKey('pfk_beta')]) expect(verifier.verify(wrong), wrong).toBeUndefined();
    expect(new ApiKeyVerifier([]).verify('anything')).toBeUndefined();
  });
});
