import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { PolyfaasError } from '../errors.js';
import type { EventRunner } from './delivery.js';
import { EventDelivery } from './delivery.js';
import type { DeliveryJournal, PendingDelivery } from './delivery-journal.js';
import type { EventInput } from './event-input.js';

const log = createLogger({ level: 'silent' });

/** A journal that logs what happened when, with slow records for events whose payload asks for it. */
function recordingJournal(ops: string[]): DeliveryJournal {
  return {
    record: async (e: PendingDelivery) => {
      ops.push(`record ${String(e.event)} start`);
      if (String(e.event).startsWith('slow')) await new Promise((r) => setTimeout(r, 30));
      ops.push(`record ${String(e.event)} done`);
    },
    attempt: async (id, n) => void ops.push(`attempt ${n}`),
    settle: async () => void ops.push('settle'),
    deadLetter: async (_id, letter) => void ops.push(`dead ${String(letter.event)}`),
    pending: async () => [],
    deadLetters: async () => [],
    revive: async () => undefined,
  };
}

type Handler = (event: string, attempt: number) => unknown;

/** A stand-in for `AppRuntime`: each function is a handler and its retries. */
function runner(functions: Record<string, { handler: Handler; retries?: number }>): () => EventRunner {
  const rt: EventRunner = {
    handleEvent: async (input, facts) => {
      const fn = functions[facts.function as string] as { handler: Handler };
      await fn.handler(String(input), facts.attempt ?? 1);
      return { status: 'handled', results: [] } as unknown as Awaited<ReturnType<EventRunner['handleEvent']>>;
    },
    eventTargets: () => Object.keys(functions),
    instance: (name) => ({ fn: { retries: functions[name]?.retries ?? 0 } }),
  };
  return () => rt;
}

const event = (text: string) => text as unknown as EventInput;

describe('EventDelivery with a journal', () => {
  it('settles an event only after the events its handler dispatched are recorded', async () => {
    const ops: string[] = [];
    const delivery: EventDelivery = new EventDelivery(
      log,
      { retryDelayMs: 1 },
      runner({
        child: { handler: () => ops.push('child ran') },
        parent: {
          handler: () => {
            delivery.dispatch('child', event('slow-child'));
            ops.push('parent returned');
          },
        },
      }),
      recordingJournal(ops),
    );
    delivery.dispatch('parent', event('parent'));
    await delivery.idle();
    expect(ops.indexOf('record slow-child done')).toBeLessThan(ops.indexOf('settle'));
    expect(ops.indexOf('record parent done')).toBeLessThan(ops.indexOf('parent returned'));
  });

  it('notes each retry before it starts, and redelivers with the attempt count carried on', async () => {
    const ops: string[] = [];
    const attempts: number[] = [];
    const flaky: Handler = (_e, attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw new PolyfaasError('Unavailable', 'not yet');
    };
    const delivery = new EventDelivery(log, { retryDelayMs: 1 }, runner({ flaky: { handler: flaky, retries: 3 } }), recordingJournal(ops));
    delivery.dispatch('flaky', event('e'));
    await delivery.idle();
    expect(attempts).toEqual([1, 2, 3]);
    expect(ops.filter((o) => !o.startsWith('record'))).toEqual(['attempt 2', 'attempt 3', 'settle']);

    attempts.length = 0;
    ops.length = 0;
    delivery.redeliver({ id: 'x', function: 'flaky', event: 'e', attempts: 2 });
    await delivery.idle();
    expect(attempts).toEqual([3]);
    expect(ops).toEqual(['attempt 3', 'settle']);
  });
});
