import { createMessageEvent } from '../events/message.js';
import type { Invoker } from './invoker.js';

/** Anything that runs one function on a neutral event in this process: a memory runtime, a test harness. */
export interface DirectInvokeTarget {
  invoke(name: string, event: unknown): Promise<unknown>;
}

/**
 * An {@link Invoker} for functions in this process: each task becomes a
 * queue message handed to `target.invoke` (the memory runtime's `invoke`),
 * so it runs through the same runtime path as a platform's delivery.
 *
 * @example
 * ```ts
 * const rt = await createMemoryRuntime(app);
 * const { items } = await map('square', [1, 2, 3], { invoker: inProcessInvoker(rt), bucket: rt.bucket('data') });
 * ```
 */
export function inProcessInvoker(target: DirectInvokeTarget): Invoker {
  return {
    mode: 'reply',
    invoke: (fn, task) => target.invoke(fn, createMessageEvent({ queue: fn, body: JSON.stringify(task) })),
  };
}
