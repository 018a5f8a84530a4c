/**
 * One process of the local worker pool (see {@link localPoolInvoker}). Loads
 * the app module named on its command line, opens the app as the local
 * runtime does, and runs the direct invocations its parent sends over IPC,
 * answering each with the function's result or a coded error.
 */
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from '../../src/index.js';
import { createLogger, createMessageEvent, PolyfaasError } from '../../src/index.js';
import type { DeliveryFacts, EventOutcome, InvocationRecord } from '../../src/adapter.js';
import { AppRuntime, decodeEvent, encodeEvent, InvocationObserver, isRetried, observeBucket } from '../../src/adapter.js';
import { markPoolWorker } from './pool-channel.js';
import { registerSchemes } from './schemes.js';

/** A request from the pool: a map task for one function, or a whole event delivery (`serve({ workers })`). */
export type PoolRequest =
  | { readonly id: number; readonly kind?: 'task'; readonly function: string; /** The message body (a map task's JSON). */ readonly body: string }
  | { readonly id: number; readonly kind: 'event'; /** `encodeEvent` of the event. */ readonly event: string; readonly facts: DeliveryFacts };

/** An answer to the pool. */
export type PoolAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string; readonly retried: boolean };

/** A storage event a worker's bucket write raised, for the parent to deliver (`encodeEvent` of it). */
export interface PoolEmit {
  readonly emit: string;
}

/**
 * The invocations a worker finished, as its own invocation observer recorded
 * them (duration, CPU of this process, outcome, first log lines), carried on
 * the answer that ends them (one IPC message) so the parent records them
 * before it hands the answer on.
 */
export interface PoolObserved {
  readonly observed?: readonly InvocationRecord[];
}

/** What the pool passes on the command line (as JSON). */
export interface PoolWorkerConfig {
  readonly module: string;
  readonly export?: string;
  readonly buckets?: Record<string, string>;
  readonly stores?: Record<string, string>;
  /** Send the storage events of the workers' bucket writes to the parent, as the local server's buckets raise them. */
  readonly emitStorageEvents?: boolean;
  /** Record every invocation in this process and send the records to the parent ({@link PoolObserved}). */
  readonly observe?: boolean;
}

/** Records a worker keeps between two answers; far more than it runs at once. */
const OBSERVED_CAPACITY = 256;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as PoolWorkerConfig;
  registerSchemes();
  const mod = (await import(pathToFileURL(config.module).href)) as Record<string, unknown>;
  const app = (config.export ? mod[config.export] : (mod.app ?? mod.default)) as AppDefinition | undefined;
  if (!app || typeof app !== 'object') throw new PolyfaasError('InvalidArgument', `${config.module} exports no app`);
  const emit = (event: unknown) => process.send?.({ emit: encodeEvent(event) } satisfies PoolEmit);
  const observer = config.observe ? new InvocationObserver({ capacity: OBSERVED_CAPACITY }) : undefined;
  const rt = await AppRuntime.create(app, {
    provider: 'local',
    ...(observer ? { observer, log: observer.tapLogger(createLogger({ fields: { app: app.name, provider: 'local' } })) } : {}),
    ...(config.buckets ? { buckets: config.buckets } : {}),
    ...(config.stores ? { stores: config.stores } : {}),
    ...(config.emitStorageEvents ? { wrapBucket: (name, bucket) => observeBucket(name, bucket, emit) } : {}),
  });
  markPoolWorker();
  let sent = 0;
  process.on('message', (request: PoolRequest) => {
    void run(rt, request).then((answer) => {
      // Everything finished since the last answer (concurrent requests included), oldest first.
      const observed = observer?.records().filter((r) => r.seq > sent) ?? [];
      sent = observed.at(-1)?.seq ?? sent;
      process.send?.(observed.length > 0 ? ({ ...answer, observed } satisfies PoolAnswer & PoolObserved) : answer);
    });
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}

async function run(rt: AppRuntime, request: PoolRequest): Promise<PoolAnswer> {
  try {
    if (request.kind === 'event') {
      const outcome: EventOutcome = await rt.handleEvent(decodeEvent(request.event) as Parameters<AppRuntime['handleEvent']>[0], request.facts);
      return { id: request.id, ok: true, value: outcome };
    }
    const fn = rt.instance(request.function).fn;
    const queue = fn.trigger.type === 'queue' ? fn.trigger.queue : request.function;
    const outcome = await rt.handleEvent({ polyfaas: 'invoke', function: request.function, event: createMessageEvent({ queue, body: request.body }) });
    return { id: request.id, ok: true, value: outcome.status === 'handled' ? (outcome.results[0]?.value ?? null) : null };
  } catch (err) {
    // Only coded failures cross the process boundary with their message.
    const retried = isRetried(err);
    if (err instanceof PolyfaasError && err.code !== 'Internal') return { id: request.id, ok: false, code: err.code, message: err.message.slice(0, 500), retried };
    return { id: request.id, ok: false, code: 'Internal', message: 'The invocation failed', retried };
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`polyfaas pool worker could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
