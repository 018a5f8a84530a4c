/**
 * One process of the local worker pool (see {@link localPoolInvoker}). Loads
 * the app module named on its command line, opens the app as the local
 * runtime does, and runs the direct invocations its parent sends over IPC,
 * answering each with the function's result or a coded error.
 */
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from '../../src/index.js';
import { createMessageEvent, PolyfaasError } from '../../src/index.js';
import { AppRuntime } from '../../src/adapter.js';
import { registerSchemes } from './schemes.js';

/** A request from the pool. */
export interface PoolRequest {
  readonly id: number;
  readonly function: string;
  /** The message body (a map task's JSON). */
  readonly body: string;
}

/** An answer to the pool. */
export type PoolAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

/** What the pool passes on the command line (as JSON). */
export interface PoolWorkerConfig {
  readonly module: string;
  readonly export?: string;
  readonly buckets?: Record<string, string>;
  readonly stores?: Record<string, string>;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as PoolWorkerConfig;
  registerSchemes();
  const mod = (await import(pathToFileURL(config.module).href)) as Record<string, unknown>;
  const app = (config.export ? mod[config.export] : (mod.app ?? mod.default)) as AppDefinition | undefined;
  if (!app || typeof app !== 'object') throw new PolyfaasError('InvalidArgument', `${config.module} exports no app`);
  const rt = await AppRuntime.create(app, { provider: 'local', ...(config.buckets ? { buckets: config.buckets } : {}), ...(config.stores ? { stores: config.stores } : {}) });
  process.on('message', (request: PoolRequest) => {
    void run(rt, request).then((answer) => process.send?.(answer));
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}

async function run(rt: AppRuntime, request: PoolRequest): Promise<PoolAnswer> {
  try {
    const fn = rt.instance(request.function).fn;
    const queue = fn.trigger.type === 'queue' ? fn.trigger.queue : request.function;
    const outcome = await rt.handleEvent({ polyfaas: 'invoke', function: request.function, event: createMessageEvent({ queue, body: request.body }) });
    return { id: request.id, ok: true, value: outcome.status === 'handled' ? (outcome.results[0]?.value ?? null) : null };
  } catch (err) {
    // Only coded failures cross the process boundary with their message.
    if (err instanceof PolyfaasError && err.code !== 'Internal') return { id: request.id, ok: false, code: err.code, message: err.message.slice(0, 500) };
    return { id: request.id, ok: false, code: 'Internal', message: `${request.function} failed` };
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`polyfaas pool worker could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
