import { httpStatusFor, PolyfaasError } from '../errors.js';
import type { AnyFunction, Trigger } from '../function.js';
import type { Logger } from '../logger.js';
import { summariseEvent } from './event-summary.js';

/** One log line an invocation wrote, as the observer keeps it. */
export interface ObservedLogLine {
  readonly level: string;
  readonly msg: string;
  /** Epoch ms. */
  readonly time: number;
}

/** What the observer remembers about one finished invocation. */
export interface InvocationRecord {
  /** Increases by one per invocation observed, so clients can spot gaps (dropped records). */
  readonly seq: number;
  readonly function: string;
  readonly trigger: Trigger['type'];
  readonly requestId: string;
  /** Epoch ms the handler started. */
  readonly start: number;
  readonly durationMs: number;
  /** The function's configured memory (`memoryMb`), in MiB, when it sets one: what the clouds bill by. */
  readonly memoryMb?: number;
  /**
   * CPU time the process spent (user + system) while the handler ran, in ms.
   * Process-wide: exact when invocations do not overlap in the process (one
   * at a time, as on Lambda), an upper bound when they do.
   */
  readonly cpuMs?: number;
  /** `error` when the handler threw or answered an HTTP status of 400 or more. */
  readonly status: 'ok' | 'error';
  /** The HTTP status answered, for HTTP functions. */
  readonly httpStatus?: number;
  /** The error code of a thrown failure (`Internal` for anything that is not a coded error). */
  readonly errorCode?: string;
  /** The message of a coded failure; never the message of an uncoded (internal) one. */
  readonly errorMessage?: string;
  readonly attempt: number;
  readonly coldStart: boolean;
  /** A short description of the event, e.g. `POST /predict` or `created data/raw/1.png (312 B)`. */
  readonly summary: string;
  /** The first {@link InvocationObserverOptions.maxLogLines} lines the handler logged. */
  readonly logs: readonly ObservedLogLine[];
  /** Lines beyond the limit that were not kept. */
  readonly logsDropped: number;
}

/** Options of {@link InvocationObserver}. */
export interface InvocationObserverOptions {
  /** Records kept; the oldest is overwritten first. Default 500. */
  capacity?: number;
  /** Log lines kept per invocation. Default 20. */
  maxLogLines?: number;
  /** Longest log message kept, in characters. Default 500. */
  maxLogChars?: number;
}

/** A listener of finished invocations; see {@link InvocationObserver.subscribe}. */
export type InvocationListener = (records: readonly InvocationRecord[]) => void;

/** An invocation in flight: where its log lines go until it finishes. */
export class InvocationSlot {
  /** Epoch ms at the start. */
  readonly start = Date.now();
  readonly t0 = performance.now();
  readonly cpu0 = process.cpuUsage();
  logs: ObservedLogLine[] | undefined;
  logsDropped = 0;

  constructor(
    readonly fn: AnyFunction,
    readonly requestId: string,
    readonly attempt: number,
    readonly coldStart: boolean,
  ) {}
}

/**
 * A bounded record of what ran: a ring buffer of the last invocations (with
 * their first log lines) and listeners that receive them in batches. The
 * invocation path only ever writes into the ring and, when someone listens,
 * into a bounded batch sent on a later turn of the event loop; nothing it does
 * waits for a listener, and a listener that cannot keep up loses records
 * (counted in {@link dropped}) instead of holding memory or the invocation.
 *
 * @example
 * ```ts
 * const observer = new InvocationObserver();
 * const rt = await AppRuntime.create(app, { provider: 'local', observer, log: observer.tapLogger(log) });
 * const stop = observer.subscribe((records) => console.log(records.map((r) => r.summary)));
 * ```
 */
export class InvocationObserver {
  private readonly ring: (InvocationRecord | undefined)[];
  private next = 0;
  private seq = 0;
  private readonly inflight = new Map<string, InvocationSlot>();
  private readonly listeners = new Set<InvocationListener>();
  private batch: InvocationRecord[] = [];
  private flushScheduled = false;
  private droppedCount = 0;
  private readonly maxLogLines: number;
  private readonly maxLogChars: number;

  constructor(options: InvocationObserverOptions = {}) {
    const capacity = options.capacity ?? 500;
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new PolyfaasError('InvalidArgument', 'capacity must be a positive integer');
    this.ring = new Array<InvocationRecord | undefined>(capacity);
    this.maxLogLines = options.maxLogLines ?? 20;
    this.maxLogChars = options.maxLogChars ?? 500;
  }

  /** Records batched for listeners but not delivered because too many piled up before the next turn. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Called by the runtime when a handler starts. */
  begin(fn: AnyFunction, requestId: string, attempt: number, coldStart: boolean): InvocationSlot {
    const slot = new InvocationSlot(fn, requestId, attempt, coldStart);
    this.inflight.set(requestId, slot);
    return slot;
  }

  /** Called by the runtime when a handler settled: `failure` is what it threw, else `result` what it returned. */
  end(slot: InvocationSlot, event: unknown, result: unknown, failure?: unknown): void {
    if (this.inflight.get(slot.requestId) === slot) this.inflight.delete(slot.requestId);
    const trigger = (slot.fn.trigger as Trigger).type;
    const httpStatus = trigger === 'http' ? statusOf(result, failure) : undefined;
    const failed = failure !== undefined || (httpStatus !== undefined && httpStatus >= 400);
    const coded = failure === undefined ? undefined : safeFailure(failure);
    // One literal with every field (optional ones undefined, which JSON omits): one allocation, one shape.
    const record: InvocationRecord = {
      seq: ++this.seq,
      function: slot.fn.name,
      trigger,
      requestId: slot.requestId,
      start: slot.start,
      durationMs: Math.round((performance.now() - slot.t0) * 1000) / 1000,
      memoryMb: slot.fn.memoryMb,
      cpuMs: cpuMsSince(slot.cpu0),
      status: failed ? 'error' : 'ok',
      httpStatus,
      errorCode: coded?.errorCode,
      errorMessage: coded?.errorMessage,
      attempt: slot.attempt,
      coldStart: slot.coldStart,
      summary: summariseEvent(event),
      logs: slot.logs ?? NO_LINES,
      logsDropped: slot.logsDropped,
    };
    this.keep(record);
  }

  /**
   * Record an invocation that ran in another process (a `serve({ workers })`
   * pool worker, whose own observer built the record) as if it had run here:
   * it gets this observer's next `seq` and goes to the ring and the listeners
   * exactly as {@link end}'s records do.
   */
  adopt(record: Omit<InvocationRecord, 'seq'>): InvocationRecord {
    const adopted: InvocationRecord = { ...record, seq: ++this.seq };
    this.keep(adopted);
    return adopted;
  }

  /** The one place a finished invocation is kept: the ring, then the listeners' batch. */
  private keep(record: InvocationRecord): void {
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.ring.length;
    if (this.listeners.size > 0) this.enqueue(record);
  }

  /** The records kept, oldest first. */
  records(): InvocationRecord[] {
    const out: InvocationRecord[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const record = this.ring[(this.next + i) % this.ring.length];
      if (record) out.push(record);
    }
    return out;
  }

  /** Receive finished invocations in batches, on a later event-loop turn than the invocation. Returns the unsubscribe. */
  subscribe(listener: InvocationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * A logger that also keeps, for the invocation in flight whose `requestId`
   * its fields carry, the first lines it logs. Give it to the runtime: the
   * handlers' `ctx.log` descends from it.
   */
  tapLogger(log: Logger, requestId?: string): Logger {
    const keep = (level: string, msg: string) => {
      if (requestId === undefined) return;
      const slot = this.inflight.get(requestId);
      if (!slot) return;
      slot.logs ??= [];
      if (slot.logs.length >= this.maxLogLines) slot.logsDropped++;
      else slot.logs.push({ level, msg: String(msg).slice(0, this.maxLogChars), time: Date.now() });
    };
    return {
      debug: (m, f) => {
        keep('debug', m);
        log.debug(m, f);
      },
      info: (m, f) => {
        keep('info', m);
        log.info(m, f);
      },
      warn: (m, f) => {
        keep('warn', m);
        log.warn(m, f);
      },
      error: (m, f) => {
        keep('error', m);
        log.error(m, f);
      },
      child: (fields) => this.tapLogger(log.child(fields), typeof fields.requestId === 'string' ? fields.requestId : requestId),
    };
  }

  private enqueue(record: InvocationRecord): void {
    if (this.batch.length >= this.ring.length) {
      this.batch.shift();
      this.droppedCount++;
    }
    this.batch.push(record);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.batch;
      this.batch = [];
      for (const listener of this.listeners) {
        try {
          listener(batch);
        } catch {
          // A listener's failure is its own; the runtime and the other listeners go on.
        }
      }
    });
  }
}

function statusOf(result: unknown, failure: unknown): number {
  if (failure !== undefined) return failure instanceof PolyfaasError ? httpStatusFor(failure.code) : 500;
  const status = (result as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : 500;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 10) / 100;
}

const NO_LINES: readonly ObservedLogLine[] = Object.freeze([]);

/** A failure as the console may show it: coded messages, never an internal one. */
function safeFailure(failure: unknown): { errorCode: string; errorMessage?: string } {
  if (failure instanceof PolyfaasError && failure.code !== 'Internal') {
    return { errorCode: failure.code, errorMessage: failure.message.slice(0, 500) };
  }
  return { errorCode: 'Internal' };
}
