import { PolyfaasError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventDelivery } from './delivery.js';
import type { DeliveryJournal } from './delivery-journal.js';

/**
 * After a restart: list the dead letters earlier processes kept, and deliver
 * again every event they journaled but never settled, its attempt count
 * carried on. Events for functions the app no longer has become dead letters
 * (code `NotFound`) instead of blocking the journal. Returns how many events
 * were redelivered.
 */
export async function resumeDeliveries(
  delivery: EventDelivery,
  journal: DeliveryJournal,
  /** Whether the app (still) has a function of that name. */
  has: (name: string) => boolean,
  log: Logger,
): Promise<number> {
  delivery.deadLetters.push(...(await journal.deadLetters()));
  const pending = await journal.pending();
  let redelivered = 0;
  for (const entry of pending) {
    if (has(entry.function)) {
      delivery.redeliver(entry);
      redelivered++;
      continue;
    }
    const letter = {
      id: entry.id,
      function: entry.function,
      event: entry.event,
      attempts: entry.attempts,
      error: { code: 'NotFound', message: `The app has no function "${entry.function}" any more` },
      time: new Date(),
    };
    await journal.deadLetter(entry.id, letter);
    delivery.deadLetters.push(letter);
  }
  if (pending.length) log.info('redelivering events left in flight by an earlier run', { events: redelivered, orphaned: pending.length - redelivered });
  return redelivered;
}

/**
 * Take a dead letter out of the list and deliver its event again with a fresh
 * attempt budget. @throws PolyfaasError `NotFound` when no dead letter has that id.
 */
export async function retryDeadLetter(
  delivery: EventDelivery,
  journal: DeliveryJournal,
  /** Whether the app (still) has a function of that name. */
  has: (name: string) => boolean,
  id: string,
): Promise<void> {
  const index = delivery.deadLetters.findIndex((l) => l.id === id);
  const letter = delivery.deadLetters[index];
  if (!letter) throw new PolyfaasError('NotFound', `No dead letter with id ${JSON.stringify(id.slice(0, 100))}`);
  if (!has(letter.function)) throw new PolyfaasError('NotFound', `The app has no function "${letter.function}"`);
  const entry = (await journal.revive(id)) ?? { id, function: letter.function, event: letter.event, attempts: 0 };
  delivery.deadLetters.splice(index, 1);
  delivery.redeliver(entry);
}
