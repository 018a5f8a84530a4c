/** How many batch sizes {@link MicroBatcher.batchSizes} keeps. */
export const RECENT_BATCHES = 1024;

/** Options for {@link MicroBatcher}. */
export interface MicroBatcherOptions<I, O> {
  /** Run one batch; must return one output per input, in order. */
  run: (inputs: I[]) => Promise<O[]>;
  /** Largest batch. Default 32. */
  maxBatchSize?: number;
  /**
   * How long a request arriving at an idle model waits for others to join it, ms.
   * Default 0: the batch runs on the next turn of the event loop (`setImmediate`),
   * so it holds every request whose I/O arrived in the same turn, and requests
   * that arrive while a batch is running form the next batch. Batching then
   * costs a lone request microseconds and grows with the load.
   */
  maxWaitMs?: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Groups concurrent requests into batches. A batch runs when it is full, when
 * the model is idle (on the next event-loop turn, or after `maxWaitMs`), or as
 * soon as the batch before it finishes — so requests that arrive during a model
 * call share the next one.
 * One batched model call is much cheaper than many single ones.
 *
 * @example
 * ```ts
 * const batcher = new MicroBatcher({ run: (xs) => predictor.predictBatch(xs), maxBatchSize: 64, maxWaitMs: 4 });
 * const probs = await batcher.submit(pixels);
 * ```
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = 0;
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  /** Sizes of the most recent batches, oldest first (at most {@link RECENT_BATCHES}; for metrics and tests). */
  readonly batchSizes: number[] = [];

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    this.maxBatchSize = options.maxBatchSize ?? 32;
    this.maxWaitMs = options.maxWaitMs ?? 0;
    if (!(this.maxBatchSize >= 1) || !(this.maxWaitMs >= 0)) throw new RangeError('maxBatchSize must be >= 1 and maxWaitMs >= 0');
  }

  /** Queue one input; resolves with its output when its batch has run. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length >= this.maxBatchSize) this.flush();
      else if (this.running > 0) return; // the running batch flushes the queue when it finishes
      // Not flushed synchronously: the WASM model runs on this thread, so a batch started
      // now would finish before the event loop reads the requests already waiting on sockets.
      else if (this.maxWaitMs === 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.batchSizes.push(batch.length);
      // A long-running server runs millions of batches: keep a window, not a history.
      if (this.batchSizes.length > RECENT_BATCHES) this.batchSizes.splice(0, this.batchSizes.length - RECENT_BATCHES);
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: Pending<I, O>[]): Promise<void> {
    this.running++;
    try {
      const outputs = await this.options.run(batch.map((p) => p.input));
      if (outputs.length !== batch.length) throw new Error(`batch returned ${outputs.length} outputs for ${batch.length} inputs`);
      batch.forEach((p, i) => p.resolve(outputs[i] as O));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running--;
      if (this.running === 0 && this.queue.length) this.flush();
    }
  }
}
