import { describe, expect, it } from 'vitest';
import { dedupeMessages, loadSpamAssassin } from './corpus.js';

describe('the SpamAssassin corpus as the example uses it', () => {
  it('loads every group, labels spam by group, drops headers and duplicates', () => {
    const messages = loadSpamAssassin();
    expect(new Set(messages.map((m) => m.group))).toEqual(new Set(['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']));
    expect(messages.length).toBeGreaterThan(5500);
    expect(messages.length).toBeLessThan(6046);
    expect(new Set(messages.map((m) => m.checksum)).size).toBe(messages.length);
    for (const m of messages) expect(m.label).toBe(m.group.startsWith('spam') ? 'spam' : 'ham');
    const withHeaders = messages.filter((m) => /^(Received|Return-Path|Delivered-To): /m.test(m.text.split('\n').slice(0, 3).join('\n')));
    // A handful of messages quote a forwarded message, headers and all, in their body: that is content, not envelope.
    expect(withHeaders.length).toBeLessThanOrEqual(messages.length / 1000);
    expect(messages.filter((m) => /<\/?(html|body|div|table)\b/i.test(m.text))).toEqual([]);
  }, 60_000);

  it('keeps the first of messages sharing a checksum or a text', () => {
    const kept = dedupeMessages([
      { checksum: 'a', text: 'x' },
      { checksum: 'a', text: 'y' },
      { checksum: 'b', text: 'x' },
      { checksum: 'c', text: 'z' },
    ]);
    expect(kept.map((m) => m.checksum)).toEqual(['a', 'c']);
  });
});
