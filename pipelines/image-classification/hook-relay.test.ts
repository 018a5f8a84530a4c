import { describe, expect, it } from 'vitest';
import type { HookMessage } from './hook-relay.js';
import { relayedHooks, replayHook } from './hook-relay.js';
import type { PipelineHooks } from './hooks.js';
import { progressHooks } from './progress-hooks.js';

/** Hooks that write down every call, in order. */
function recording(): { hooks: Required<PipelineHooks>; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  return {
    calls,
    hooks: {
      onPreprocess: (v) => calls.push(['onPreprocess', v]),
      onTrainBatch: (v) => calls.push(['onTrainBatch', v]),
      onTrainEpoch: (v) => calls.push(['onTrainEpoch', v]),
      onEvaluated: (v) => calls.push(['onEvaluated', v]),
    },
  };
}

describe('relayedHooks / replayHook', () => {
  it('carries every hook call across a JSON channel to the real hooks, in order', () => {
    const sent: string[] = [];
    const relay = relayedHooks((m) => sent.push(JSON.stringify(m)));
    const direct = recording();
    const replayed = recording();
    const batch = { runId: 'r', epoch: 0, epochs: 2, batch: 3, batchesPerEpoch: 10, step: 3, loss: 0.5, accuracy: 0.75 };
    const epoch = { runId: 'r', epoch: 0, loss: 0.4, accuracy: 0.8, seconds: 1.5 };
    for (const hooks of [relay, direct.hooks]) {
      hooks.onPreprocess?.({ split: 'train', done: 5, total: 10 });
      hooks.onTrainBatch?.(batch);
      hooks.onTrainEpoch?.(epoch);
    }
    for (const message of sent) expect(replayHook(replayed.hooks, JSON.parse(message))).toBe(true);
    expect(replayed.calls).toEqual(direct.calls);
    expect(direct.calls.map(([hook]) => hook)).toEqual(['onPreprocess', 'onTrainBatch', 'onTrainEpoch']);
  });

  it('ignores other messages and hooks the receiver does not have', () => {
    const { hooks, calls } = recording();
    for (const other of [null, 'text', { note: 1 }, { format: 'polyfaas.pipeline-hook/v1', hook: 'toString', value: 1 }, { format: 'other', hook: 'onPreprocess', value: {} }]) {
      expect(replayHook(hooks, other)).toBe(false);
    }
    expect(calls).toEqual([]);
    const message: HookMessage = { format: 'polyfaas.pipeline-hook/v1', hook: 'onEvaluated', value: {} };
    expect(replayHook({}, message)).toBe(true);
  });

  it('draws the terminal’s training bar from relayed calls', () => {
    let out = '';
    const hooks = progressHooks({ write: (s: string) => (out += s) });
    const relay = relayedHooks((m) => replayHook(hooks, JSON.parse(JSON.stringify(m))));
    for (let round = 1; round <= 4; round++) relay.onTrainBatch?.({ runId: 'r', epoch: 0, epochs: 1, batch: round, batchesPerEpoch: 4, step: round, loss: 1, accuracy: 0.5 });
    expect(out).toContain('train');
    // A plain (non-TTY) stream gets a line per quarter; the bar's end is drawn when evaluation finishes it.
    expect(out).toContain(' 75% 3/4');
  });
});
