import type { PipelineHooks } from './hooks.js';

/** The format tag of {@link HookMessage}. */
const HOOK_MESSAGE_FORMAT = 'polyfaas.pipeline-hook/v1';

/** The hooks a message may name. */
const HOOK_NAMES: readonly (keyof PipelineHooks)[] = ['onPreprocess', 'onTrainBatch', 'onTrainEpoch', 'onEvaluated'];

/** One hook call as a message: which hook, and its one argument (plain JSON). */
export interface HookMessage {
  readonly format: typeof HOOK_MESSAGE_FORMAT;
  readonly hook: keyof PipelineHooks;
  readonly value: unknown;
}

/**
 * Pipeline hooks that pass each call on as a message, for functions that run
 * in another process than the one drawing progress (the workers of
 * `serve({ workers })`): give them to the app the workers load, with `send`
 * writing to the pool's channel, and {@link replayHook} the messages into the
 * real hooks where they arrive.
 *
 * @example
 * ```ts
 * // pool-app.ts, loaded by each worker:
 * export const app = fashionMnistApp({ ...settings, hooks: relayedHooks((m) => sendToPoolParent(m)) });
 * // the parent:
 * const hooks = progressHooks(process.stderr);
 * await serve(app, { workers: { module: 'pool-app.ts', onMessage: (m) => replayHook(hooks, m) } });
 * ```
 */
export function relayedHooks(send: (message: HookMessage) => void): PipelineHooks {
  const relay =
    (hook: keyof PipelineHooks) =>
    (value: unknown): void =>
      send({ format: HOOK_MESSAGE_FORMAT, hook, value });
  return { onPreprocess: relay('onPreprocess'), onTrainBatch: relay('onTrainBatch'), onTrainEpoch: relay('onTrainEpoch'), onEvaluated: relay('onEvaluated') };
}

/**
 * Call the hook a {@link relayedHooks} message names with its argument.
 *
 * @returns false, calling nothing, for anything that is not such a message (other traffic on the same channel).
 */
export function replayHook(hooks: PipelineHooks, message: unknown): boolean {
  const m = message as Partial<HookMessage> | null;
  if (typeof m !== 'object' || m === null || m.format !== HOOK_MESSAGE_FORMAT || !HOOK_NAMES.includes(m.hook as keyof PipelineHooks)) return false;
  // The sender is our own relayedHooks in a worker of the same app: the argument has the hook's shape.
  (hooks[m.hook as keyof PipelineHooks] as ((value: unknown) => void) | undefined)?.(m.value);
  return true;
}
