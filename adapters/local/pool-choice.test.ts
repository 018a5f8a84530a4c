import { describe, expect, it } from 'vitest';
import { chooseWorker } from './pool-choice.js';

describe('chooseWorker', () => {
  it('takes the least busy worker', () => {
    expect(chooseWorker([{ busy: 2, lastSent: 1 }, { busy: 1, lastSent: 5 }, { busy: 3, lastSent: 0 }])).toBe(1);
  });

  it('breaks ties by the worker given work longest ago, so a round’s two jobs land in two processes', () => {
    // Worker 1 runs the reducer (sent 7) that writes the next round's two jobs before it answers.
    const slots = [
      { busy: 0, lastSent: 6 },
      { busy: 1, lastSent: 7 },
    ];
    const first = chooseWorker(slots);
    expect(first).toBe(0);
    slots[first] = { busy: 1, lastSent: 8 };
    // Both now run one invocation; the second job goes to the reducer's worker, which is about to be free.
    expect(chooseWorker(slots)).toBe(1);
  });

  it('spreads work round-robin over idle workers and refuses an empty pool', () => {
    expect(chooseWorker([{ busy: 0, lastSent: 3 }, { busy: 0, lastSent: 1 }, { busy: 0, lastSent: 2 }])).toBe(1);
    expect(() => chooseWorker([])).toThrow(RangeError);
  });
});
