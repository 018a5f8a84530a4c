import { describe, expect, it } from 'vitest';
import { DirSyncer } from './dir-sync.js';

/** A fake fsync whose calls finish only when the test says so. */
function controlledFsync() {
  const calls: { dir: string; finish: () => void }[] = [];
  const fsync = (dir: string) => new Promise<void>((resolve) => calls.push({ dir, finish: resolve }));
  return { calls, fsync };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('DirSyncer', () => {
  it('resolves a caller only with an fsync that started after it asked, sharing that fsync among waiters', async () => {
    const { calls, fsync } = controlledFsync();
    const syncer = new DirSyncer(fsync);
    const done: string[] = [];
    void syncer.sync('/d').then(() => done.push('a'));
    await tick();
    expect(calls).toHaveLength(1);
    // b and c ask while a's fsync is in flight: it may predate their renames, so they must wait for the next.
    void syncer.sync('/d').then(() => done.push('b'));
    void syncer.sync('/d').then(() => done.push('c'));
    calls[0]?.finish();
    await tick();
    expect(done).toEqual(['a']);
    expect(calls).toHaveLength(2);
    calls[1]?.finish();
    await tick();
    expect(done).toEqual(['a', 'b', 'c']);
    expect(calls.map((c) => c.dir)).toEqual(['/d', '/d']);
  });

  it('syncs different directories independently', async () => {
    const { calls, fsync } = controlledFsync();
    const syncer = new DirSyncer(fsync);
    const both = Promise.all([syncer.sync('/a'), syncer.sync('/b')]);
    await tick();
    expect(calls.map((c) => c.dir).sort()).toEqual(['/a', '/b']);
    for (const c of calls) c.finish();
    await both;
    // Idle again: the next caller starts a fresh fsync at once.
    void syncer.sync('/a');
    await tick();
    expect(calls).toHaveLength(3);
  });
});
