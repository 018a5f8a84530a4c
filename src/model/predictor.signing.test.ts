import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { createLogger, type LogRecord } from '../logger.js';
import { sha256Hex, type ModelVersionInfo } from './manifest.js';
import { Predictor } from './predictor.js';
import { ModelSigningKey } from './signing-keys.js';
import { ModelStore } from './store.js';
import { tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
const aliasKey = 'models/digits/aliases/production.json';

describe('Predictor with signed models', () => {
  const key = ModelSigningKey.generate('ed25519', 'prod-2026');
  let bucket: MemoryBucket;
  let trainer: ModelStore;
  let clock: number;
  let logs: LogRecord[];
  let versions: string[];
  let predictor: Predictor;

  beforeEach(async () => {
    bucket = new MemoryBucket();
    let t = Date.UTC(2026, 10, 27);
    trainer = new ModelStore(bucket, { signing: { signingKey: key }, now: () => new Date((t += 1000)) });
    versions = [];
    for (const seed of [1, 2, 3]) {
      const model = tinyModel(seed);
      versions.push((await trainer.save('digits', model, { labels: ['a', 'b', 'c'] })).version);
      model.dispose();
    }
    await trainer.promote('digits', versions[1]!, 'production');
    clock = 1_000_000;
    logs = [];
    // The server holds only the public key.
    predictor = new Predictor({
      store: new ModelStore(bucket, { signing: { verifyKeys: [key.verifyKey()] } }),
      name: 'digits',
      now: () => clock,
      logger: createLogger({ level: 'debug', sink: (r) => logs.push(r) }),
    });
    await predictor.load();
  });

  afterEach(() => {
    predictor.dispose();
  });

  async function refreshAndExpectAlert(reason: string): Promise<void> {
    clock += 30_000;
    expect(await predictor.refreshIfDue()).toBe(false);
    expect(predictor.version).toBe(versions[1]);
    expect((await predictor.predict(input)).version).toBe(versions[1]);
    const alert = logs.find((r) => r.alert === 'model-integrity');
    expect(alert).toMatchObject({ level: 'error', reason, version: versions[1] });
  }

  it('logs which key signed the model it serves', () => {
    expect(logs.find((r) => r.msg === 'model loaded')).toMatchObject({ version: versions[1], signedBy: 'prod-2026' });
  });

  it('keeps serving the last good model and alerts when the alias is re-pointed by an unsigned edit', async () => {
    await bucket.put(aliasKey, new TextEncoder().encode(JSON.stringify({ version: versions[0], previous: null, updatedAt: 'now', history: [] })));
    await refreshAndExpectAlert('unsigned');
  });

  it('keeps serving and alerts when an older signed alias record is replayed', async () => {
    await trainer.promote('digits', versions[0]!, 'staging');
    const before = (await bucket.get(aliasKey)).body; // signed, points at versions[1]
    await trainer.promote('digits', versions[2]!, 'production');
    clock += 30_000;
    expect(await predictor.refreshIfDue()).toBe(true);
    expect(predictor.version).toBe(versions[2]);
    await bucket.put(aliasKey, before);
    clock += 30_000;
    expect(await predictor.refreshIfDue()).toBe(false);
    expect(predictor.version).toBe(versions[2]);
    expect(logs.find((r) => r.alert === 'model-integrity')).toMatchObject({ level: 'error', reason: 'alias-rollback', version: versions[2] });
  });

  it('keeps serving and alerts when the promoted version’s weights were replaced and its manifest recomputed', async () => {
    const folder = `models/digits/versions/${versions[2]}/`;
    const weights = (await bucket.get(`models/digits/versions/${versions[0]}/weights.bin`)).body;
    await bucket.put(`${folder}weights.bin`, weights);
    const manifest = JSON.parse(new TextDecoder().decode((await bucket.get(`${folder}manifest.json`)).body)) as ModelVersionInfo;
    const files = manifest.files.map((f) => (f.path === 'weights.bin' ? { ...f, sha256: sha256Hex(weights), size: weights.byteLength } : f));
    await bucket.put(`${folder}manifest.json`, new TextEncoder().encode(JSON.stringify({ ...manifest, files })));
    // Even the key holder's store refuses to promote it now…
    const refused = await trainer.promote('digits', versions[2]!, 'production').then(
      () => undefined,
      (err: unknown) => err as { code?: string; details?: { reason?: string } },
    );
    expect(refused).toMatchObject({ code: 'Forbidden', details: { reason: 'digest-mismatch' } });
    // …so the attacker moves the alias by hand; without the key the record is unsigned.
    await bucket.put(aliasKey, new TextEncoder().encode(JSON.stringify({ version: versions[2], previous: null, updatedAt: 'now', history: [] })));
    await refreshAndExpectAlert('unsigned');
  });

  it('keeps serving and alerts when a legitimately promoted version is tampered with afterwards', async () => {
    await trainer.promote('digits', versions[2]!, 'production');
    const folder = `models/digits/versions/${versions[2]}/`;
    const manifest = JSON.parse(new TextDecoder().decode((await bucket.get(`${folder}manifest.json`)).body)) as ModelVersionInfo;
    await bucket.put(`${folder}manifest.json`, new TextEncoder().encode(JSON.stringify({ ...manifest, labels: ['c', 'b', 'a'] })));
    await refreshAndExpectAlert('digest-mismatch');
  });
});
