import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/memory/index.js';
import { onlyVersion, start, status, trainImages, upload } from './test-support/toy-pipeline.js';

describe('the pipeline with a state store', () => {
  it('answers duplicate deliveries from idempotency records under deliver-twice, and caches GET /model', async () => {
    const state = new MemoryKeyValueStore('pipeline-state');
    const rt = await start(2, { state, deliverTwice: true });
    const bucket = rt.bucket('data');
    await upload(bucket, 'train', trainImages);
    await upload(bucket, 'test', [['0-dark', 12], ['1-light', 230]]);
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
    const version = await onlyVersion(bucket);
    expect((await status(rt)).production).toBe(version);

    // Every second delivery of a plan-training or evaluate event was a replay, not a second run.
    const replays = (fn: string) => rt.logs.filter((r) => r.fn === fn && r.msg === 'idempotency: replayed a stored result').length;
    expect(replays('evaluate')).toBeGreaterThanOrEqual(1);
    expect(replays('plan-training')).toBeGreaterThanOrEqual(2);
    expect(rt.logs.filter((r) => r.msg === 'training run already planned')).toEqual([]);

    // GET /model is cached in the store: removing the alias does not change the answer until the entry expires.
    const first = await rt.http({ method: 'GET', path: '/model' });
    expect(first.json<{ version: string }>().version).toBe(version);
    await bucket.delete('models/toy/aliases/production.json');
    const again = await rt.http({ method: 'GET', path: '/model' });
    expect(again.status).toBe(200);
    expect(again.text()).toBe(first.text());
    expect(await state.get('model-info/toy/production')).toBeDefined();
  }, 120_000);
});
