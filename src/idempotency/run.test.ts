import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/memory/index.js';
import type { Context } from '../context.js';
import { isPolyfaasError } from '../errors.js';
import { createHttpRequest, json } from '../events/http.js';
import { createMessageEvent } from '../events/message.js';
import { createLogger } from '../logger.js';
import type { KeyValueStore, KvEntry, KvValue } from '../kv/types.js';
import { defaultPayload, payloadHash } from './payload.js';
import { idempotencyRecordKey } from './record.js';
import { runIdempotently } from './run.js';

const log = createLogger({ level: 'silent' });
const ctxFor = (store: KeyValueStore, timeoutMs = 2_000) => ({ deadline: Date.now() + timeoutMs, log, kv: () => store }) as unknown as Context<unknown>;
const message = (body: string) => createMessageEvent({ queue: 'q', body, id: 'm-1' });

describe('runIdempotently', () => {
  it('refuses to take over a stale record that completed meanwhile, and replays it (powertools #5714)', async () => {
    const inner = new MemoryKeyValueStore();
    const event = message('{"n":1}');
    const key = idempotencyRecordKey('f', 'm-1');
    const hash = payloadHash(defaultPayload(event));
    const holder = await inner.put(key, { status: 'in-progress', hash, token: 1, leaseUntil: Date.now() - 1 }, { ttlMs: 60_000 });
    // The original holder completes between our read of its expired lease and our takeover.
    let raced = false;
    const store = Object.assign(Object.create(inner) as KeyValueStore, {
      async get<V extends KvValue>(k: string): Promise<KvEntry<V> | undefined> {
        const seen = await inner.get<V>(k);
        if (!raced) {
          raced = true;
          await inner.put(key, { status: 'completed', hash, token: 1, result: { v: 'from the holder' } }, { ifVersion: holder.version, ttlMs: 60_000 });
        }
        return seen;
      },
    });
    let ran = 0;
    const result = await runIdempotently('f', { store }, event, ctxFor(store), () => ++ran);
    expect(raced).toBe(true);
    expect(ran).toBe(0);
    expect(result).toBe('from the holder');
    expect((await inner.get(key))?.value).toMatchObject({ status: 'completed', token: 1 });
  });

  it('lets exactly one of many racers recover an expired lease; the rest replay its result', async () => {
    const store = new MemoryKeyValueStore();
    const event = message('{"n":2}');
    const hash = payloadHash(defaultPayload(event));
    await store.put(idempotencyRecordKey('f', 'm-1'), { status: 'in-progress', hash, token: 4, leaseUntil: Date.now() - 1 }, { ttlMs: 60_000 });
    const tokens: number[] = [];
    const work = async (info: { fencingToken: number }) => {
      tokens.push(info.fencingToken);
      await new Promise((r) => setTimeout(r, 30));
      return { by: info.fencingToken };
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => runIdempotently('f', { store }, event, ctxFor(store), work)));
    expect(tokens).toEqual([5]);
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ by: 5 })));
  });

  it('keys HTTP by the Idempotency-Key header of POSTs only, and refuses keyless events when required', async () => {
    const store = new MemoryKeyValueStore();
    let ran = 0;
    const work = () => json({ n: ++ran });
    const post = createHttpRequest({ method: 'POST', path: '/p', headers: { 'Idempotency-Key': 'k1' }, body: 'x' });
    await runIdempotently('f', { store }, post, ctxFor(store), work);
    await runIdempotently('f', { store }, post, ctxFor(store), work);
    const get = createHttpRequest({ method: 'GET', path: '/p', headers: { 'Idempotency-Key': 'k1' } });
    await runIdempotently('f', { store }, get, ctxFor(store), work);
    expect(ran).toBe(2);
    const keyless = createHttpRequest({ method: 'POST', path: '/p', body: 'x' });
    const err = await runIdempotently('f', { store, required: true }, keyless, ctxFor(store), work).catch((e: unknown) => e);
    expect(isPolyfaasError(err, 'InvalidArgument')).toBe(true);
  });

  it('replays an HTTP response byte for byte, headers included', async () => {
    const store = new MemoryKeyValueStore();
    const post = createHttpRequest({ method: 'POST', path: '/p', headers: { 'idempotency-key': 'bytes' }, body: 'x' });
    const response = { status: 201, headers: { 'x-a': ['1', '2'], 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 7]) };
    const first = await runIdempotently('f', { store }, post, ctxFor(store), () => response);
    const replay = await runIdempotently('f', { store }, post, ctxFor(store), () => ({ status: 500 }));
    expect(first).toBe(response);
    expect(replay).toEqual(response);
  });

  it('gives up with AlreadyExists before its own deadline while a live lease holds the key', async () => {
    const store = new MemoryKeyValueStore();
    const event = message('{"n":3}');
    await store.put(idempotencyRecordKey('f', 'm-1'), { status: 'in-progress', hash: payloadHash(defaultPayload(event)), token: 1, leaseUntil: Date.now() + 60_000 }, { ttlMs: 60_000 });
    const started = Date.now();
    const err = await runIdempotently('f', { store }, event, ctxFor(store, 500), () => 'ran').catch((e: unknown) => e);
    expect(isPolyfaasError(err, 'AlreadyExists')).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
