import { describe, expect, it } from 'vitest';
import { createProgressBar, formatBar } from './progress.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (s: string) => void chunks.push(s) } };
}

describe('createProgressBar', () => {
  it('shows slow work per minute instead of 0/s', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const bar = createProgressBar({ total: 113, label: 'train', stream, now: () => now, redrawMs: 0 });
    now = 13_000;
    bar.update(1);
    expect(chunks.at(-1)).toContain(' 4.6/min ');
    now = 20_000;
    bar.update(40);
    expect(chunks.at(-1)).toContain(' 2.0/s ');
    now = 21_000;
    bar.update(113);
    expect(chunks.at(-1)).toContain(' 5.4/s ');
  });

  it('redraws in place on a TTY, throttled, and ends the line on finish', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(true);
    const bar = createProgressBar({ total: 100, label: 'work', stream, now: () => now, redrawMs: 100 });
    for (let i = 0; i < 100; i++) {
      now += 5;
      bar.tick();
    }
    bar.finish('done');
    expect(chunks.length).toBeLessThanOrEqual(7);
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks.at(-1)).toMatch(/^\rwork \[#+\] 100% 100\/100 .* done/);
    expect(chunks.at(-1)?.endsWith(`${String.fromCharCode(27)}[K\n`)).toBe(true);
    expect(bar.done).toBe(100);
  });

  it('prints a few plain lines off a TTY: quarters, slow heartbeats, then the total once', () => {
    let now = 0;
    const { chunks, stream } = fakeStream(false);
    const bar = createProgressBar({ total: 1000, stream, now: () => now, lineMs: 10_000 });
    for (let i = 0; i < 1000; i++) {
      now += 1;
      bar.tick();
    }
    bar.finish();
    expect(chunks.map((c) => c.match(/(\d+)%/)?.[1])).toEqual(['25', '50', '75', '100']);
    expect(chunks.every((c) => !c.includes('\r') && c.endsWith('\n'))).toBe(true);
  });

  it('says nothing when silent', () => {
    const { chunks, stream } = fakeStream(true);
    const bar = createProgressBar({ total: 3, stream, silent: true });
    bar.tick(3);
    bar.finish();
    expect(chunks).toEqual([]);
  });

  it('formats bars', () => {
    expect(formatBar(0.5, 10)).toBe('[#####-----]');
    expect(formatBar(2, 4)).toBe('[####]');
  });
});
