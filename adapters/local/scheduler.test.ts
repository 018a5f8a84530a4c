import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCron } from '../../src/adapter.js';
import { MinuteScheduler } from './scheduler.js';

describe('MinuteScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-01-01T00:00:30Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('fires each matching minute once, at the minute boundary', () => {
    const every = vi.fn();
    const everyFive = vi.fn();
    const scheduler = new MinuteScheduler([
      { schedule: parseCron('* * * * *'), fire: every },
      { schedule: parseCron('*/5 * * * *'), fire: everyFive },
    ]);
    scheduler.start();
    vi.advanceTimersByTime(29_000);
    expect(every).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(every).toHaveBeenCalledWith(new Date('2024-01-01T00:01:00Z'));
    vi.advanceTimersByTime(5 * 60_000);
    expect(every).toHaveBeenCalledTimes(6);
    expect(everyFive.mock.calls.map(([d]) => (d as Date).toISOString())).toEqual(['2024-01-01T00:05:00.000Z']);
    scheduler.stop();
    vi.advanceTimersByTime(10 * 60_000);
    expect(every).toHaveBeenCalledTimes(6);
  });

  it('does nothing without jobs', () => {
    const scheduler = new MinuteScheduler([]);
    scheduler.start();
    expect(vi.getTimerCount()).toBe(0);
  });
});
