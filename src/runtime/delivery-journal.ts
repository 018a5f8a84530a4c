import type { DeadLetter } from './delivery.js';

/** One event in flight, as a journal keeps it. */
export interface PendingDelivery {
  /** Unique per dispatch; names the journal entry. */
  readonly id: string;
  /** The function the event is for. */
  readonly function: string;
  readonly event: unknown;
  /**
   * Attempts started so far. An attempt the process did not survive counts,
   * so an event that crashes the process every time ends as a dead letter
   * instead of crashing every restart.
   */
  readonly attempts: number;
}

/**
 * Where {@link EventDelivery} keeps events between dispatch and settlement, so
 * a process that dies with events in flight can deliver them again when it
 * restarts (at-least-once across crashes), and keeps dead letters across runs.
 *
 * Every method resolves only once the change is durable: a `record` that
 * resolved survives `kill -9`.
 */
export interface DeliveryJournal {
  /** Store a new event before its first attempt. */
  record(entry: PendingDelivery): Promise<void>;
  /** Note that attempt `attempts` is about to start. */
  attempt(id: string, attempts: number): Promise<void>;
  /** The event succeeded: forget it. */
  settle(id: string): Promise<void>;
  /** The event failed every attempt: move it from pending to the dead letters. */
  deadLetter(id: string, letter: DeadLetter): Promise<void>;
  /** Events recorded by an earlier process and never settled, oldest first. */
  pending(): Promise<PendingDelivery[]>;
  /** Dead letters kept by this and earlier processes, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Move a dead letter back to pending with a fresh attempt budget; `undefined` if there is none with that id. */
  revive(id: string): Promise<PendingDelivery | undefined>;
}

/**
 * The journal of runtimes without durable state (the memory runtime, or a
 * local server without a state directory): nothing is written, nothing
 * survives the process, and every call is free.
 */
export const NO_JOURNAL: DeliveryJournal = Object.freeze({
  record: async () => {},
  attempt: async () => {},
  settle: async () => {},
  deadLetter: async () => {},
  pending: async () => [],
  deadLetters: async () => [],
  revive: async () => undefined,
});
