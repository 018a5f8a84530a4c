import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { createMemoryRuntime } from '../../adapters/memory/memory-runtime.js';
import { createImageClassificationApp } from '../../pipelines/image-classification/app.js';
import { defineApp, defineFunction } from '../index.js';
import { ENVELOPE_METADATA_KEY } from './encrypted-bucket.js';
import { generateLocalKey, localKey } from './local-key.js';

const kek = localKey(generateLocalKey());

describe('app-level encryption (one setting)', () => {
  it('encrypts a declared bucket whatever it is bound to, overrides included', async () => {
    const writer = defineFunction({
      name: 'write',
      trigger: { type: 'http', method: 'POST', path: '/write' },
      handler: async (req, ctx) => {
        await ctx.bucket('data').put('models/m.bin', 'secret weights');
        return { status: 200, body: new TextDecoder().decode((await ctx.bucket('data').get('models/m.bin')).body) };
      },
    });
    const app = defineApp({ name: 'enc', functions: [writer], buckets: { data: 'mem://declared' }, encryption: { data: kek } });
    const backing = new MemoryBucket('override');
    const runtime = await createMemoryRuntime(app, { buckets: { data: backing } });
    const res = await runtime.http({ method: 'POST', path: '/write' });
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.body as Uint8Array)).toBe('secret weights');
    const stored = await backing.get('models/m.bin');
    expect(Buffer.from(stored.body).includes(Buffer.from('secret'))).toBe(false);
    expect(stored.metadata[ENVELOPE_METADATA_KEY]).toBeTruthy();
  });

  it('refuses encryption for a bucket the app does not declare', () => {
    expect(() => defineApp({ functions: [], buckets: {}, encryption: { data: kek } })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });

  it('the image pipeline takes one setting that covers its one bucket (raw, features, models, reports)', () => {
    const classes = ['a', 'b'];
    const plain = createImageClassificationApp({ dataset: 'd', bucket: 'mem://p', preprocess: { input: { width: 4, height: 4, channels: 1 }, classes } });
    const app = createImageClassificationApp({ dataset: 'd', bucket: 'mem://p', preprocess: { input: { width: 4, height: 4, channels: 1 }, classes }, encryption: kek });
    expect(plain.encryption).toBeUndefined();
    expect(Object.keys(app.buckets)).toEqual(['data']);
    expect(app.encryption).toEqual({ data: kek });
  });
});
