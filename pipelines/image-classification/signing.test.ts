import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelSigningKey } from '../../src/model/signing-keys.js';
import { ModelStore } from '../../src/model/store.js';
import { onlyVersion, start, status, text, trainImages, upload } from './test-support/toy-pipeline.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('image pipeline with a model signing key', () => {
  it('signs the version it saves and the promotion, and serves it verified', async () => {
    const key = ModelSigningKey.generate('ed25519', 'pipeline-test');
    vi.stubEnv('POLYFAAS_MODEL_SIGNING_KEY', key.export());
    const rt = await start(2);
    const bucket = rt.bucket('data');
    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    const version = await onlyVersion(bucket);
    expect((await status(rt)).production).toBe(version);

    expect(await bucket.exists(`models/toy/versions/${version}/model.sig`)).toBe(true);
    const alias = JSON.parse(text((await bucket.get('models/toy/aliases/production.json')).body)) as { signature?: { signatures: { keyid: string }[] } };
    expect(alias.signature?.signatures[0]?.keyid).toBe('pipeline-test');
    // Someone holding only the public key verifies both.
    const reader = new ModelStore(bucket, { signing: { verifyKeys: [key.verifyKey()] } });
    expect((await reader.verify('toy', version)).signedBy).toBe('pipeline-test');
    expect((await reader.resolveAlias('toy', 'production')).version).toBe(version);

    const image = await sharp(Buffer.alloc(784, 220), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    const res = await rt.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: image });
    expect(res.status).toBe(200);
    expect(res.json<{ version: string }>().version).toBe(version);
  }, 60_000);

  it('a server that requires signatures refuses an unsigned pipeline’s model (503) and logs an alert', async () => {
    const rt = await start(2);
    const bucket = rt.bucket('data');
    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    expect((await status(rt)).production).toBe(await onlyVersion(bucket));

    // Now a verify key is configured, e.g. after rotating the deployment to signed models.
    vi.stubEnv('POLYFAAS_MODEL_VERIFY_KEYS', ModelSigningKey.generate().verifyKey().export());
    const server = await start(2);
    for await (const object of bucket.list({ prefix: 'models/' })) await server.bucket('data').put(object.key, (await bucket.get(object.key)).body);
    const image = await sharp(Buffer.alloc(784, 220), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    const res = await server.http({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: image });
    expect(res.status).toBe(503);
    expect(server.logs.some((r) => r.alert === 'model-integrity' && r.reason === 'unsigned')).toBe(true);
  }, 60_000);
});
