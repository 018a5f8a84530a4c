import { PolyfaasError } from '../errors.js';
import { DEFAULT_RETRIES } from '../function.js';
import type { Logger } from '../logger.js';
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
 * and local runtimes.
 */
export class EventDelivery {
  /** Events that failed every attempt, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly log: Logger,
    private readonly options: DeliveryOptions,
    /** The runtime events go to; a getter, as runtimes create their delivery before themselves. */
    private readonly runtime: () => EventRunner,
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

  /** Queue an event for one function; returns at once. */
  dispatch(fn: string, event: EventInput): void {
    const task = (async () => {
      await this.deliver(fn, event);
      if (this.options.deliverTwice) await this.deliver(fn, event);
    })();
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolve once every dispatched event, including ones dispatched meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(fn: string, event: EventInput): Promise<void> {
    const attempts = 1 + (this.options.retries ?? this.runtime().instance(fn).fn.retries ?? DEFAULT_RETRIES);
    const delay = this.options.retryDelayMs ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.runtime().handleEvent(event, { function: fn, attempt });
        return;
      } catch (err) {
        const code = err instanceof PolyfaasError ? err.code : 'Internal';
        const message = err instanceof Error ? err.message : String(err);
        // A failure no retry can fix (an invalid key, the wrong kind of event) is dead-lettered at once.
        if (attempt >= attempts || !isRetried(err)) {
          const letter: DeadLetter = { function: fn, event, attempts: attempt, error: { code, message }, time: new Date() };
          this.deadLetters.push(letter);
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
