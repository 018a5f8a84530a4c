import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../storage/types.js';
import { bucketIOHandler } from './bucket-io.js';
import { ModelStore } from './store.js';
import { rejection, tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function predictFlat(model: tfl.LayersModel, input: number[]): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor(input, [1, 2, 3])) as tf.Tensor).dataSync()));
}

async function keys(bucket: Bucket): Promise<string[]> {
  const out: string[] = [];
  for await (const o of bucket.list()) out.push(o.key);
  return out.sort();
}

async function flipByte(bucket: Bucket, key: string, index = 0): Promise<void> {
  const { body } = await bucket.get(key);
  const copy = Uint8Array.from(body);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  await bucket.put(key, copy);
}

/** A clock that moves 1 s per call, so save order is creation order. */
function steppingClock(start = Date.UTC(2026, 10, 27, 3, 45, 12, 123)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

interface BucketFixture {
  bucket: Bucket;
  dispose(): Promise<void>;
}

function storeSuite(label: string, makeBucket: () => Promise<BucketFixture>): void {
  describe(`ModelStore on ${label}`, () => {
    let fixture: BucketFixture;
    let bucket: Bucket;
    let store: ModelStore;
    const input = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

    beforeEach(async () => {
      fixture = await makeBucket();
      bucket = fixture.bucket;
      store = new ModelStore(bucket, { now: steppingClock() });
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('round-trips a model with identical predictions and a complete manifest', async () => {
      const model = tinyModel();
      const info = await store.save('digits', model, {
        labels: ['a', 'b', 'c'],
        metrics: { accuracy: 0.9 },
        metadata: { run: 'r1', tags: ['x'] },
      });
      expect(info.version).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/);
      expect(info).toMatchObject({
        formatVersion: 1,
        name: 'digits',
        inputShape: [2, 3],
        labels: ['a', 'b', 'c'],
        metrics: { accuracy: 0.9 },
        metadata: { run: 'r1', tags: ['x'] },
        framework: { tfjsCore: tf.version_core, tfjsLayers: tfl.version_layers },
        backend: 'cpu',
      });
      expect(info.files.map((f) => f.path)).toEqual(['weights.bin', 'model.json']);
      expect(info.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.size > 0)).toBe(true);
      const folder = `models/digits/versions/${info.version}/`;
      expect(await keys(bucket)).toEqual([`${folder}manifest.json`, `${folder}model.json`, `${folder}weights.bin`]);

      const loaded = await store.load('digits', { version: info.version });
      expect(loaded.info).toEqual(info);
      expect(predictFlat(loaded.model, input)).toEqual(predictFlat(model, input));
      loaded.model.dispose();
      model.dispose();
    });

    it('honours a custom prefix', async () => {
      const custom = new ModelStore(bucket, { prefix: 'ml/registry' });
      const info = await custom.save('m', tinyModel());
      expect(await keys(bucket)).toContain(`ml/registry/m/versions/${info.version}/manifest.json`);
    });

    it('catches one flipped byte in weights.bin before deserialising', async () => {
      const info = await store.save('digits', tinyModel());
      const key = `models/digits/versions/${info.version}/weights.bin`;
      await flipByte(bucket, key, 5);
      const err = await rejection(store.load('digits', { version: info.version }));
      expect(err.code).toBe('DataLoss');
      const expected = info.files.find((f) => f.path === 'weights.bin');
      expect(err.details).toMatchObject({ file: key, expected: { size: expected?.size, sha256: expected?.sha256 } });
      expect((err.details?.actual as { sha256: string }).sha256).not.toBe(expected?.sha256);
    });

    it('catches one flipped byte in model.json', async () => {
      const info = await store.save('digits', tinyModel());
      const key = `models/digits/versions/${info.version}/model.json`;
      await flipByte(bucket, key, 10);
      const err = await rejection(store.load('digits', { version: info.version }));
      expect(err.code).toBe('DataLoss');
      expect(err.details).toMatchObject({ file: key });
    });

    it('catches a truncated file by size', async () => {
      const info = await store.save('digits', tinyModel());
      const key = `models/digits/versions/${info.version}/weights.bin`;
      const { body } = await bucket.get(key);
      await bucket.put(key, body.subarray(0, body.byteLength - 4));
      const err = await rejection(store.load('digits', { version: info.version }));
      expect(err.code).toBe('DataLoss');
      expect(err.details).toMatchObject({ actual: { size: body.byteLength - 4 } });
    });

    it('fails loudly on a damaged manifest instead of hiding the version', async () => {
      const info = await store.save('digits', tinyModel());
      const key = `models/digits/versions/${info.version}/manifest.json`;
      await bucket.put(key, '{"formatVersion": 1');
      const err = await rejection(store.load('digits', { version: info.version }));
      expect(err.code).toBe('DataLoss');
      expect(err.details).toMatchObject({ file: key });
    });

    it('treats a version without manifest as absent', async () => {
      const complete = await store.save('digits', tinyModel());
      const halfWritten = await store.save('digits', tinyModel(2));
      await bucket.delete(`models/digits/versions/${halfWritten.version}/manifest.json`);
      expect((await rejection(store.load('digits', { version: halfWritten.version }))).code).toBe('NotFound');
      expect((await rejection(store.promote('digits', halfWritten.version, 'production'))).code).toBe('NotFound');
      expect((await store.list('digits')).map((i) => i.version)).toEqual([complete.version]);
    });

    it('never overwrites saved files', async () => {
      const model = tinyModel();
      await model.save(bucketIOHandler(bucket, 'checkpoints/epoch-1'));
      const err = await rejection(model.save(bucketIOHandler(bucket, 'checkpoints/epoch-1/')));
      expect(err.code).toBe('PreconditionFailed');
      // The checkpoint handler loads without a manifest too.
      const restored = await tfl.loadLayersModel(bucketIOHandler(bucket, 'checkpoints/epoch-1'));
      expect(predictFlat(restored, input)).toEqual(predictFlat(model, input));
      // ...and can overwrite when asked, for "latest" checkpoints.
      await model.save(bucketIOHandler(bucket, 'checkpoints/epoch-1', { overwrite: true }));
    });

    it('lists versions oldest first, with their manifests', async () => {
      const saved = [];
      for (let i = 0; i < 3; i++) saved.push(await store.save('digits', tinyModel(i), { metrics: { step: i } }));
      await store.save('other', tinyModel());
      const listed = await store.list('digits');
      expect(listed.map((i) => i.version)).toEqual(saved.map((i) => i.version));
      expect(listed.map((i) => i.metrics.step)).toEqual([0, 1, 2]);
      expect([...saved.map((i) => i.version)].sort()).toEqual(saved.map((i) => i.version));
      expect(await store.list('nothing')).toEqual([]);
    });

    it('promotes sequentially, keeping previous and history', async () => {
      const v1 = await store.save('digits', tinyModel(1));
      const v2 = await store.save('digits', tinyModel(2));
      const first = await store.promote('digits', v1.version, 'production');
      expect(first).toMatchObject({ alias: 'production', version: v1.version, previous: null });
      const second = await store.promote('digits', v2.version, 'production');
      expect(second).toMatchObject({ version: v2.version, previous: v1.version });
      expect(second.history.map((h) => h.version)).toEqual([v2.version, v1.version]);
      expect(second.etag).not.toBe(first.etag);

      const resolved = await store.resolveAlias('digits', 'production');
      expect(resolved).toMatchObject({ version: v2.version, etag: second.etag });
      expect(await store.aliasEtag('digits', 'production')).toBe(second.etag);
      expect(await store.aliasEtag('digits', 'staging')).toBeUndefined();

      const loaded = await store.load('digits', { alias: 'production' });
      expect(loaded.info.version).toBe(v2.version);
      expect(loaded.alias?.etag).toBe(second.etag);
      loaded.model.dispose();

      await store.promote('digits', v1.version, 'staging');
      expect((await store.aliases('digits')).map((a) => [a.alias, a.version])).toEqual([
        ['production', v2.version],
        ['staging', v1.version],
      ]);
    });

    it('applies every one of many concurrent promotions', async () => {
      const versions = [];
      for (let i = 0; i < 6; i++) versions.push((await store.save('digits', tinyModel(i))).version);
      const results = await Promise.all(versions.map((v) => store.promote('digits', v, 'production')));
      const final = await store.resolveAlias('digits', 'production');
      // Each promotion is in the history exactly once, and the chain of `previous` is consistent.
      expect([...final.history.map((h) => h.version)].sort()).toEqual([...versions].sort());
      expect(final.version).toBe(final.history[0]?.version);
      expect(final.previous).toBe(final.history[1]?.version);
      expect(results.map((r) => r.etag)).toContain(final.etag);
      expect(new Set(results.map((r) => r.previous)).size).toBe(versions.length);
    });

    it('refuses to promote a version that does not exist, and to load a missing alias', async () => {
      expect((await rejection(store.promote('digits', '20261127T034512123Z-a1b2c3', 'production'))).code).toBe('NotFound');
      expect((await rejection(store.load('digits', { alias: 'production' }))).code).toBe('NotFound');
      expect((await rejection(store.resolveAlias('digits', 'production'))).code).toBe('NotFound');
      expect((await rejection(store.promote('digits', 'latest', 'production'))).code).toBe('InvalidArgument');
    });

    it('delete removes exactly what save wrote', async () => {
      const keep = await store.save('digits', tinyModel(1));
      await store.promote('digits', keep.version, 'production');
      const before = await keys(bucket);
      const info = await store.save('digits', tinyModel(2));
      expect(await keys(bucket)).not.toEqual(before);
      await store.delete('digits', info.version);
      expect(await keys(bucket)).toEqual(before);
      expect((await rejection(store.delete('digits', info.version))).code).toBe('NotFound');
    });

    it('refuses to delete an aliased version', async () => {
      const v1 = await store.save('digits', tinyModel(1));
      const v2 = await store.save('digits', tinyModel(2));
      await store.promote('digits', v1.version, 'production');
      await store.promote('digits', v1.version, 'canary');
      const err = await rejection(store.delete('digits', v1.version));
      expect(err.code).toBe('PreconditionFailed');
      expect(err.details).toMatchObject({ aliases: ['canary', 'production'] });
      expect(await store.list('digits')).toHaveLength(2);

      await store.promote('digits', v2.version, 'production');
      await store.promote('digits', v2.version, 'canary');
      await store.delete('digits', v1.version);
      expect((await store.list('digits')).map((i) => i.version)).toEqual([v2.version]);
    });

    it('rejects bad names and options with InvalidArgument', async () => {
      const model = tinyModel();
      for (const name of ['', '../x', 'a/b', '.hidden']) {
        expect((await rejection(store.save(name, model))).code).toBe('InvalidArgument');
      }
      expect((await rejection(store.save('m', model, { labels: ['only', 'two'] }))).code).toBe('InvalidArgument');
      expect((await rejection(store.save('m', model, { inputShape: [6] }))).code).toBe('InvalidArgument');
      expect((await rejection(store.save('m', model, { metrics: { loss: Number.NaN } }))).code).toBe('InvalidArgument');
      expect(await keys(bucket)).toEqual([]);
    });
  });
}

storeSuite('MemoryBucket', async () => ({ bucket: new MemoryBucket(), dispose: async () => {} }));

storeSuite('FileBucket', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-model-'));
  return { bucket: new FileBucket(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
});
