/**
 * Which pool worker takes the next invocation: the least busy, and among
 * equally busy ones the one that was given work longest ago. The tie-break
 * matters when work arrives while an invocation is finishing: a data-parallel
 * reducer in worker B writes a round's two jobs before B reports back, so the
 * first job goes to idle A and the second finds A and B at one invocation
 * each; taking "the first" there put both shards of the round in A (one core
 * for two shards, the round twice as long) while B was about to be idle.
 */

/** What {@link chooseWorker} looks at. */
export interface PoolSlot {
  /** Invocations sent and not answered yet. */
  readonly busy: number;
  /** Sequence number of the last invocation sent to it (0: none yet). */
  readonly lastSent: number;
}

/** Index of the slot that takes the next invocation. @throws RangeError for an empty pool. */
export function chooseWorker(slots: readonly PoolSlot[]): number {
  if (slots.length === 0) throw new RangeError('the pool has no workers');
  let best = 0;
  for (let i = 1; i < slots.length; i++) {
    const a = slots[best] as PoolSlot;
    const b = slots[i] as PoolSlot;
    if (b.busy < a.busy || (b.busy === a.busy && b.lastSent < a.lastSent)) best = i;
  }
  return best;
}
