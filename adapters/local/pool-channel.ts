/**
 * The message channel from a function running in a `serve({ workers })` /
 * {@link localPoolInvoker} worker process back to the process that owns the
 * pool: what in-process callbacks (progress hooks) cannot reach across the
 * process boundary travels here instead.
 */

/**
 * Marks this process as a pool worker. A global symbol, not module state: the
 * app a worker loads may import this module through another path (the
 * package's `polyfaas/local` rather than the worker's relative import), and a
 * plain `process.send` test would also be true in any forked process (a test
 * runner's own workers among them).
 */
const POOL_WORKER = Symbol.for('polyfaas.local.poolWorker');

/** A message a function sent to the pool's owner with {@link sendToPoolParent}. */
export interface PoolNote {
  readonly note: unknown;
}

/** Called once by the pool worker's entry point. */
export function markPoolWorker(): void {
  (globalThis as Record<symbol, unknown>)[POOL_WORKER] = true;
}

/** True in a pool worker process. */
export function inPoolWorker(): boolean {
  return (globalThis as Record<symbol, unknown>)[POOL_WORKER] === true && typeof process.send === 'function';
}

/**
 * Send a JSON-serialisable message from a function running in a pool worker to
 * the pool's owner, which receives it in `serve({ workers: { onMessage } })` (or
 * `localPoolInvoker({ onMessage })`), in the order sent. Fire and forget.
 *
 * @returns false (and sends nothing) outside a pool worker, so callers can fall back.
 *
 * @example
 * ```ts
 * const hooks = relayedHooks((message) => sendToPoolParent(message)); // in the app the workers load
 * ```
 */
export function sendToPoolParent(message: unknown): boolean {
  if (!inPoolWorker()) return false;
  process.send?.({ note: message } satisfies PoolNote);
  return true;
}
