import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Invoker } from '../../src/index.js';
import { ErrorCodes, PolyfaasError } from '../../src/index.js';
import type { ErrorCode } from '../../src/index.js';
import type { DeliveryFacts, EventInput, EventOutcome, InvocationRecord } from '../../src/adapter.js';
import { decodeEvent, encodeEvent, rejectedEvent } from '../../src/adapter.js';
import type { StorageEvent } from '../../src/index.js';
import type { PoolNote } from './pool-channel.js';
import { chooseWorker } from './pool-choice.js';
import type { PoolAnswer, PoolEmit, PoolObserved, PoolRequest, PoolWorkerConfig } from './pool-worker.js';

/** Options of {@link localPoolInvoker}. */
export interface LocalPoolOptions extends Omit<PoolWorkerConfig, 'observe'> {
  /** Worker processes. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** How long a worker may take to load the app, in ms. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Receives the storage events the workers' bucket writes raise (needs `emitStorageEvents`). */
  readonly onStorageEvent?: (event: StorageEvent) => void;
  /**
   * Receives every invocation a worker ran (its function, trigger, start,
   * duration, configured memory, the worker's CPU time, outcome and first log
   * lines), before the answer of the task or event that ran it. Setting it
   * turns recording on in the workers (`serve({ workers })` feeds its
   * invocation observer from here).
   */
  readonly onInvocation?: (record: InvocationRecord) => void;
  /** Receives what functions in the workers send with `sendToPoolParent`, in the order each worker sent it. */
  readonly onMessage?: (message: unknown) => void;
}

/** What a worker tells the pool besides its answers. */
type PoolListeners = Pick<LocalPoolOptions, 'onStorageEvent' | 'onInvocation' | 'onMessage'>;

/** An {@link Invoker} over a pool of local processes; close it when done. */
export interface LocalPool extends Invoker {
  /** The worker processes' ids, for tests and logs. */
  readonly pids: readonly number[];
  /** Deliver one event in a worker, exactly as `AppRuntime.handleEvent` would here (what `serve({ workers })` uses). */
  handleEvent(input: EventInput, facts: DeliveryFacts): Promise<EventOutcome>;
  close(): Promise<void>;
}

interface Worker {
  readonly child: ChildProcess;
  busy: number;
  lastSent: number;
  readonly pending: Map<number, { ok: (value: unknown) => void; fail: (err: PolyfaasError) => void }>;
}

/**
 * Run invocations in a pool of worker processes on this machine, each with
 * the app loaded as the local runtime loads it: real parallelism across
 * cores, the same runtime path (`AppRuntime.handleEvent`) and coded errors as
 * in process. Each task goes to the least busy worker (see {@link chooseWorker}). Buckets must be ones
 * every process can open (`file://` directories), given in `buckets`.
 *
 * @example
 * ```ts
 * const pool = await localPoolInvoker({ module: '/srv/app.js', workers: 4, buckets: { data: 'file:///srv/data' } });
 * try { await map('resize', keys, { invoker: pool, bucket: new FileBucket('/srv/data') }); } finally { await pool.close(); }
 * ```
 */
export async function localPoolInvoker(options: LocalPoolOptions): Promise<LocalPool> {
  const size = options.workers ?? availableParallelism();
  if (!(Number.isInteger(size) && size > 0)) throw new PolyfaasError('InvalidArgument', `workers must be a positive integer, got ${size}`);
  const config: PoolWorkerConfig = { module: options.module, ...(options.export ? { export: options.export } : {}), ...(options.buckets ? { buckets: options.buckets } : {}), ...(options.stores ? { stores: options.stores } : {}), ...(options.emitStorageEvents ? { emitStorageEvents: true } : {}), ...(options.onInvocation ? { observe: true } : {}) };
  const started = await Promise.allSettled(Array.from({ length: size }, () => startWorker(config, options.startTimeoutMs ?? 30_000, options)));
  const workers = started.filter((s): s is PromiseFulfilledResult<Worker> => s.status === 'fulfilled').map((s) => s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const w of workers) w.child.kill();
    throw failed.reason;
  }
  let nextId = 0;
  const dispatch = (request: (id: number) => PoolRequest): Promise<unknown> => {
    const id = ++nextId;
    const worker = workers[chooseWorker(workers)] as Worker;
    worker.lastSent = id;
    return new Promise((ok, fail) => {
      worker.busy++;
      worker.pending.set(id, { ok, fail });
      worker.child.send(request(id));
    });
  };
  return {
    mode: 'reply',
    pids: workers.map((w) => w.child.pid as number),
    invoke: (fn, task) => dispatch((id) => ({ id, function: fn, body: JSON.stringify(task) })),
    handleEvent: async (input, facts) => (await dispatch((id) => ({ id, kind: 'event', event: encodeEvent(input), facts }))) as EventOutcome,
    async close() {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((done) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return done();
              w.child.once('exit', () => done());
              w.child.disconnect();
            }),
        ),
      );
    },
  };
}

function workerScript(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  // From source (tests, tsx) the worker is a .ts file and needs the tsx loader; built, it is plain .js.
  const typescript = self.endsWith('.ts');
  return { path: self.replace(/worker-pool\.(ts|js)$/, `pool-worker.${typescript ? 'ts' : 'js'}`), execArgv: typescript ? ['--import', 'tsx'] : [] };
}

function startWorker(config: PoolWorkerConfig, timeoutMs: number, listeners: PoolListeners): Promise<Worker> {
  const script = workerScript();
  const child = fork(script.path, [JSON.stringify(config)], { execArgv: script.execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const worker: Worker = { child, busy: 0, lastSent: 0, pending: new Map() };
  child.on('message', (message: (PoolAnswer & PoolObserved) | PoolEmit | PoolNote | { ready: true }) => {
    if ('ready' in message) return;
    if ('emit' in message) {
      listeners.onStorageEvent?.(decodeEvent(message.emit) as StorageEvent);
      return;
    }
    if ('note' in message) {
      heed(() => listeners.onMessage?.(message.note));
      return;
    }
    for (const record of message.observed ?? []) heed(() => listeners.onInvocation?.(record));
    const waiter = worker.pending.get(message.id);
    if (!waiter) return;
    worker.pending.delete(message.id);
    worker.busy--;
    if (message.ok) waiter.ok(message.value);
    // A failure no retry can fix stays marked so, as the delivery loop expects.
    else waiter.fail(message.retried ? new PolyfaasError(asCode(message.code), message.message) : rejectedEvent(asCode(message.code), message.message));
  });
  child.on('exit', () => {
    // A worker that dies fails what it was running; the map retries it elsewhere.
    for (const waiter of worker.pending.values()) waiter.fail(new PolyfaasError('Unavailable', 'A pool worker exited during the invocation'));
    worker.pending.clear();
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill();
      fail(new PolyfaasError('Unavailable', `A pool worker did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', () => {
      clearTimeout(timer);
      ok(worker);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new PolyfaasError('Unavailable', `A pool worker exited while starting (code ${code}): ${stderr.trim().slice(-500)}`));
    });
  });
}

/** Call a listener the pool's owner gave; its failure is its own, the workers and their invocations go on. */
function heed(call: () => void): void {
  try {
    call();
  } catch {
    // Nothing to do: a throwing listener must not take the IPC handler (and every pending answer) down with it.
  }
}

function asCode(code: string): ErrorCode {
  return (ErrorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'Internal';
}
