/** Options for {@link MicroBatcher}. */
export interface MicroBatcherOptions<I, O> {
  /** Run one batch; must return one output per input, in order. */
  run: (inputs: I[]) => Promise<O[]>;
  /** Largest batch. Default 32. */
  maxBatchSize?: number;
  /** Longest a request waits for others to join its batch, ms. Default 5. */
  maxWaitMs?: number;
}

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Groups concurrent requests into batches: a batch runs when it is full or
 * when its first request has waited `maxWaitMs`, whichever comes first. One
 * batched model call is much cheaper than many single ones, and a lone request
 * pays at most `maxWaitMs` extra.
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
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  /** Sizes of the batches run so far (for metrics and tests). */
  readonly batchSizes: number[] = [];

  constructor(private readonly options: MicroBatcherOptions<I, O>) {
    this.maxBatchSize = options.maxBatchSize ?? 32;
    this.maxWaitMs = options.maxWaitMs ?? 5;
    if (!(this.maxBatchSize >= 1) || !(this.maxWaitMs >= 0)) throw new RangeError('maxBatchSize must be >= 1 and maxWaitMs >= 0');
  }

  /** Queue one input; resolves with its output when its batch has run. */
  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.queue.length >= this.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatchSize);
      this.batchSizes.push(batch.length);
      void this.runBatch(batch);
    }
  }

  private async runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outputs = await this.options.run(batch.map((p) => p.input));
      if (outputs.length !== batch.length) throw new Error(`batch returned ${outputs.length} outputs for ${batch.length} inputs`);
      batch.forEach((p, i) => p.resolve(outputs[i] as O));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
