import { PolyfaasError } from '../errors.js';
import { DEFAULT_RETRIES } from '../function.js';
import type { Logger } from '../logger.js';
import type { DeliveryJournal, PendingDelivery } from './delivery-journal.js';
import { NO_JOURNAL } from './delivery-journal.js';
import type { DeliveryFacts, EventInput, EventOutcome } from './event-input.js';
import { isRetried } from './event-failure.js';

/** The part of `AppRuntime` delivery needs: its event entry point and target selection. */
export interface EventRunner {
  handleEvent(input: EventInput, facts: DeliveryFacts): Promise<EventOutcome>;
  eventTargets(input: EventInput, facts?: Pick<DeliveryFacts, 'function'>): string[];
  instance(name: string): { readonly fn: { readonly retries?: number } };
}

/** An event that failed every attempt, kept for inspection and replay. */
export interface DeadLetter {
  /** Journal id of the event, for replay; set when the runtime keeps a journal. */
  readonly id?: string;
  readonly function: string;
  readonly event: unknown;
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string };
  readonly time: Date;
}

/** How events are delivered to event-triggered functions. */
export interface DeliveryOptions {
  /**
   * Deliver every event twice (the second after the first settles), as
   * at-least-once platforms sometimes do. Handlers must be idempotent.
   */
  deliverTwice?: boolean;
  /** Override every function's `retries`. */
  retries?: number;
  /** Delay before retry n is `retryDelayMs * 2^(n-1)`. Default 10 ms. */
  retryDelayMs?: number;
  /** Called when an event lands in the dead-letter list. */
  onDeadLetter?: (letter: DeadLetter) => void;
}

/**
 * Asynchronous, at-least-once delivery with retries and a dead-letter list:
 * what SQS/Pub/Sub/Event Grid do in the cloud, done in process for the memory
 * and local runtimes. Every attempt goes through the runtime's one event entry
 * point; a journal (the local runtime's is on disk) keeps in-flight events and
 * dead letters across crashes.
 */
export class EventDelivery {
  /** Events that failed every attempt, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** Journal writes of dispatched events not yet durable. */
  private readonly recording = new Set<Promise<void>>();

  constructor(
    private readonly log: Logger,
    private readonly options: DeliveryOptions,
    /** The runtime events go to; a getter, as runtimes create their delivery before themselves. */
    private readonly runtime: () => EventRunner,
    /** Where in-flight events and dead letters are kept; default: nowhere (memory only). */
    private readonly journal: DeliveryJournal = NO_JOURNAL,
  ) {}

  /**
   * Queue an event for every function it targets, each delivered and retried on
   * its own; returns at once. Throws (synchronously) what the runtime says
   * about an event nobody can take, e.g. `NotFound` for a queue without listeners.
   */
  publish(event: EventInput, scope: Pick<DeliveryFacts, 'function'> = {}): number {
    const targets = this.runtime().eventTargets(event, scope);
    for (const fn of targets) this.dispatch(fn, event);
    return targets.length;
  }

  /** Queue an event for one function; returns at once. The journal records it before the first attempt. */
  dispatch(fn: string, event: EventInput): void {
    const entry: PendingDelivery = { id: crypto.randomUUID(), function: fn, event, attempts: 1 };
    const recorded = this.journal.record(entry).catch((err: unknown) => {
      // Delivery goes on without durability rather than dropping the event.
      this.log.error('event not journaled; it will not survive a crash', { fn, err });
    });
    this.recording.add(recorded);
    void recorded.finally(() => this.recording.delete(recorded));
    this.run(entry, 1, recorded);
  }

  /** Deliver again an event an earlier process journaled but never settled; its attempt count carries on. */
  redeliver(entry: PendingDelivery): void {
    this.run(entry, entry.attempts + 1, Promise.resolve());
  }

  private run(entry: PendingDelivery, firstAttempt: number, recorded: Promise<void>): void {
    const task = (async () => {
      await recorded;
      const event = entry.event as EventInput;
      await this.deliver(entry.function, event, { id: entry.id, firstAttempt, recorded: entry.attempts });
      if (this.options.deliverTwice) await this.deliver(entry.function, event);
    })();
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolve once every dispatched event, including ones dispatched meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Settle a journaled event, once the journal holds every event dispatched so
   * far: those include the ones this event's handler caused, which must not be
   * lost with it.
   */
  private async settled(id: string, letter?: DeadLetter): Promise<void> {
    await Promise.allSettled([...this.recording]);
    await (letter ? this.journal.deadLetter(id, letter) : this.journal.settle(id)).catch((err: unknown) =>
      this.log.error('delivery journal not updated; the event may be delivered again', { err }),
    );
  }

  private async deliver(fn: string, event: EventInput, journaled?: { id: string; firstAttempt: number; recorded: number }): Promise<void> {
    const attempts = 1 + (this.options.retries ?? this.runtime().instance(fn).fn.retries ?? DEFAULT_RETRIES);
    const delay = this.options.retryDelayMs ?? 10;
    for (let attempt = journaled?.firstAttempt ?? 1; ; attempt++) {
      try {
        if (attempt > attempts) {
          throw new PolyfaasError('Unavailable', `The process stopped during attempt ${attempt - 1} of ${attempts}; no attempts left`);
        }
        if (journaled && attempt > journaled.recorded) {
          await this.journal.attempt(journaled.id, attempt).catch((err: unknown) => this.log.error('delivery journal not updated', { err }));
        }
        await this.runtime().handleEvent(event, { function: fn, attempt });
        if (journaled) await this.settled(journaled.id);
        return;
      } catch (err) {
        const code = err instanceof PolyfaasError ? err.code : 'Internal';
        const message = err instanceof Error ? err.message : String(err);
        // A failure no retry can fix (an invalid key, the wrong kind of event) is dead-lettered at once.
        if (attempt >= attempts || !isRetried(err)) {
          const letter: DeadLetter = {
            ...(journaled ? { id: journaled.id } : {}),
            function: fn,
            event,
            attempts: Math.min(attempt, attempts),
            error: { code, message },
            time: new Date(),
          };
          this.deadLetters.push(letter);
          if (journaled) await this.settled(journaled.id, letter);
          this.log.error('event dead-lettered', { fn, attempts: attempt, code, message });
          this.options.onDeadLetter?.(letter);
          return;
        }
        this.log.warn('event failed, retrying', { fn, attempt, code, message });
        await new Promise((r) => setTimeout(r, delay * 2 ** (attempt - 1)));
      }
    }
  }
}
