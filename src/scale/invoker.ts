import type { MapTask } from './map-task.js';

/** What {@link Invoker.invoke} gets besides the task. */
export interface InvokeOptions {
  /** Aborts when the map no longer needs this launch (deadline passed, map aborted). */
  readonly signal: AbortSignal;
}

/**
 * How the map reaches a function on one backend: the only part of the map
 * that differs between the memory runtime, the local worker pool, Lambda,
 * Cloud Run functions and Azure Functions. Retries, stragglers, ordering,
 * deadlines and the bucket all live in {@link map}, once.
 */
export interface Invoker {
  /**
   * `reply`: {@link invoke} resolves with what the function returned (a
   * `MapReply`) and rejects with a coded error when the invocation failed.
   * `enqueue`: it resolves once the platform accepted the task; the map then
   * watches the bucket for the committed result or a failure record.
   */
  readonly mode: 'reply' | 'enqueue';
  /** Start one invocation of `fn` with `task` as its message body. */
  invoke(fn: string, task: MapTask, options: InvokeOptions): Promise<unknown>;
  /** Release what the invoker holds (worker threads, sockets). Optional. */
  close?(): Promise<void>;
}
