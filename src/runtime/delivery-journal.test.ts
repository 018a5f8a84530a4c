import { describe, expect, it } from 'vitest';
import { defineFunction } from '../function.js';
import { createLogger } from '../logger.js';
import { PolyfaasError } from '../errors.js';
import { EventDelivery } from './delivery.js';
import type { DeliveryJournal, PendingDelivery } from './delivery-journal.js';
import { FunctionInstance } from './instance.js';

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

function instance(name: string, handler: (event: string) => unknown, retries = 0): FunctionInstance {
  return new FunctionInstance(defineFunction({ name, trigger: { type: 'queue', queue: name }, retries, handler: (e: unknown) => handler(String(e)) }), {
    provider: 'memory',
    bucket: () => {
      throw new PolyfaasError('InvalidArgument', 'no buckets');
    },
    log,
  });
}

describe('EventDelivery with a journal', () => {
  it('settles an event only after the events its handler dispatched are recorded', async () => {
    const ops: string[] = [];
    const delivery = new EventDelivery(log, { retryDelayMs: 1 }, recordingJournal(ops));
    const child = instance('child', () => ops.push('child ran'));
    const parent = instance('parent', () => {
      delivery.dispatch(child, 'slow-child');
      ops.push('parent returned');
    });
    delivery.dispatch(parent, 'parent');
    await delivery.idle();
    expect(ops.indexOf('record slow-child done')).toBeLessThan(ops.indexOf('settle'));
    expect(ops.indexOf('record parent done')).toBeLessThan(ops.indexOf('parent returned'));
  });

  it('notes each retry before it starts, and redelivers with the attempt count carried on', async () => {
    const ops: string[] = [];
    const attempts: number[] = [];
    const delivery = new EventDelivery(log, { retryDelayMs: 1 }, recordingJournal(ops));
    const flaky = new FunctionInstance(
      defineFunction({
        name: 'flaky',
        trigger: { type: 'queue', queue: 'q' },
        retries: 3,
        handler: (_e: unknown, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new PolyfaasError('Unavailable', 'not yet');
        },
      }),
      { provider: 'memory', bucket: () => undefined as never, log },
    );
    delivery.dispatch(flaky, 'e');
    await delivery.idle();
    expect(attempts).toEqual([1, 2, 3]);
    expect(ops.filter((o) => !o.startsWith('record'))).toEqual(['attempt 2', 'attempt 3', 'settle']);

    attempts.length = 0;
    ops.length = 0;
    delivery.redeliver(flaky, { id: 'x', function: 'flaky', event: 'e', attempts: 2 });
    await delivery.idle();
    expect(attempts).toEqual([3]);
    expect(ops).toEqual(['attempt 3', 'settle']);
  });
});
