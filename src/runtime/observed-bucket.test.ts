import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { StorageEvent } from '../events/storage.js';
import type { Bucket } from '../storage/types.js';
import { observeBucket } from './observed-bucket.js';

describe('observeBucket', () => {
  it('emits created and deleted events for writes and real deletes only', async () => {
    const events: StorageEvent[] = [];
    const bucket = observeBucket('raw', new MemoryBucket(), (e) => events.push(e));
    await bucket.put('a.txt', 'hello');
    await bucket.delete('a.txt');
    await bucket.delete('a.txt');
    expect(events.map((e) => [e.kind, e.bucket, e.key])).toEqual([
      ['created', 'raw', 'a.txt'],
      ['deleted', 'raw', 'a.txt'],
    ]);
  });

  it("keeps the wrapped bucket's getFilling and streamedPutsOverlap visible to wrappers, and adds none", async () => {
    const memory = new MemoryBucket();
    await memory.put('a.txt', 'hello');
    const observed = observeBucket('raw', memory, () => undefined);
    const filled: number[] = [];
    const got = await observed.getFilling?.('a.txt', (_o, n) => void filled.push(n));
    expect(new TextDecoder().decode(got?.body)).toBe('hello');
    expect(filled).toEqual([5]);
    // The same bucket, as a driver that streams puts and has no whole read would describe itself.
    const streaming: Bucket = Object.assign(Object.create(memory) as Bucket, { getFilling: undefined, streamedPutsOverlap: true });
    const wrapped = observeBucket('raw', streaming, () => undefined);
    expect(wrapped.getFilling).toBeUndefined();
    expect(wrapped.streamedPutsOverlap).toBe(true);
    expect(observeBucket('raw', { ...streaming, streamedPutsOverlap: false }, () => undefined).streamedPutsOverlap).toBeUndefined();
  });
});
