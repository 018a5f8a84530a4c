import { PolyfaasError } from '../errors.js';
import { DEFAULT_RETRIES } from '../function.js';
import type { Logger } from '../logger.js';
import type { FunctionInstance } from './instance.js';

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
    private readonly options: DeliveryOptions = {},
  ) {}

  /** Queue an event for a function; returns at once. */
  dispatch(instance: FunctionInstance, event: unknown): void {
    const task = (async () => {
      await this.deliver(instance, event);
      if (this.options.deliverTwice) await this.deliver(instance, event);
    })();
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolve once every dispatched event, including ones dispatched meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(instance: FunctionInstance, event: unknown): Promise<void> {
    const attempts = 1 + (this.options.retries ?? instance.fn.retries ?? DEFAULT_RETRIES);
    const delay = this.options.retryDelayMs ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        await instance.invoke(event, { attempt });
        return;
      } catch (err) {
        const code = err instanceof PolyfaasError ? err.code : 'Internal';
        const message = err instanceof Error ? err.message : String(err);
        if (attempt >= attempts) {
          const letter: DeadLetter = { function: instance.fn.name, event, attempts: attempt, error: { code, message }, time: new Date() };
          this.deadLetters.push(letter);
          this.log.error('event dead-lettered', { fn: instance.fn.name, attempts: attempt, code, message });
          this.options.onDeadLetter?.(letter);
          return;
        }
        this.log.warn('event failed, retrying', { fn: instance.fn.name, attempt, code, message });
        await new Promise((r) => setTimeout(r, delay * 2 ** (attempt - 1)));
      }
    }
  }
}
