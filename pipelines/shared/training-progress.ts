import type { Bucket, Logger } from '../../src/index.js';
import type { EpochRecord } from './checkpoint.js';
import { readJsonIfExists } from './read-json.js';
import { RUNS_PREFIX } from './runs.js';
import type { BatchProgress } from './trainer.js';

/** Name of the progress object inside a run's folder. */
export const PROGRESS_FILE = 'progress.json';
/** Points a progress object keeps; older ones are thinned (every other dropped), so the object stays small. */
export const MAX_PROGRESS_POINTS = 200;

/** One sample of a run's curves. */
export interface ProgressPoint {
  step: number;
  /** Running mean loss of the epoch so far. */
  loss: number;
  accuracy: number;
  /** Epoch ms. */
  time: number;
}

/**
 * Where a training run stands, as `runs/<run-id>/progress.json` holds it. The
 * image and text train functions rewrite it while they train (at most once
 * per interval, and at every epoch end), so anything that can read the
 * bucket — the local console, a dashboard, `curl` on a signed URL — can
 * follow a run.
 */
export interface TrainingProgress {
  format: 'polyfaas.train-progress/v1';
  runId: string;
  model: string;
  state: 'training' | 'continuing' | 'finished' | 'failed';
  step: number;
  totalSteps: number;
  /** Zero-based epoch in progress. */
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  accuracy: number;
  /** Over the last interval; `null` before two samples. */
  samplesPerSecond: number | null;
  /** Seconds left at the current rate; `null` when unknown. */
  etaSeconds: number | null;
  /** The version the run saved, once finished. */
  version?: string;
  updatedAt: string;
  points: ProgressPoint[];
  /** One record per finished epoch. */
  history: EpochRecord[];
}

/** Key of a run's progress object. */
export function trainingProgressKey(runId: string): string {
  return `${RUNS_PREFIX}${runId}/${PROGRESS_FILE}`;
}

/** Options for {@link TrainingProgressPublisher}. */
export interface ProgressPublisherOptions {
  runId: string;
  model: string;
  batchSize: number;
  /** Least milliseconds between two writes while batches run. Default 1000. */
  everyMs?: number;
  /** What an earlier invocation of the same run published, to continue its curves. */
  previous?: TrainingProgress;
  now?: () => number;
}

/**
 * Publishes a run's {@link TrainingProgress} to the bucket without slowing
 * training: at most one write in flight, and while one is, newer progress only
 * replaces the pending snapshot (intermediate ones are dropped, never queued).
 * A failed write is logged and forgotten: progress is for people watching, not
 * for correctness.
 */
export class TrainingProgressPublisher {
  private readonly doc: TrainingProgress;
  private readonly everyMs: number;
  private readonly now: () => number;
  private lastWrite = -Infinity;
  private rateMark: { step: number; time: number } | undefined;
  private writing: Promise<void> | undefined;
  private pending = false;

  constructor(
    private readonly bucket: Bucket,
    private readonly log: Logger,
    private readonly options: ProgressPublisherOptions,
  ) {
    this.everyMs = options.everyMs ?? 1000;
    this.now = options.now ?? Date.now;
    const prev = options.previous?.runId === options.runId ? options.previous : undefined;
    this.doc = {
      format: 'polyfaas.train-progress/v1',
      runId: options.runId,
      model: options.model,
      state: 'training',
      step: prev?.step ?? 0,
      totalSteps: prev?.totalSteps ?? 0,
      epoch: prev?.epoch ?? 0,
      epochs: prev?.epochs ?? 0,
      batch: prev?.batch ?? 0,
      batchesPerEpoch: prev?.batchesPerEpoch ?? 0,
      loss: prev?.loss ?? 0,
      accuracy: prev?.accuracy ?? 0,
      samplesPerSecond: null,
      etaSeconds: null,
      updatedAt: new Date(this.now()).toISOString(),
      points: [...(prev?.points ?? [])],
      history: [...(prev?.history ?? [])],
    };
    // The rate continues from the last published point, so a run resumed in a new invocation shows it at once.
    const last = prev?.points.at(-1);
    if (last) this.rateMark = { step: last.step, time: last.time };
  }

  /**
   * A publisher for `options.runId` that continues what an earlier invocation
   * of the same run published (its curves, history and rate), or starts fresh
   * when there is nothing readable.
   */
  static async resume(bucket: Bucket, log: Logger, options: Omit<ProgressPublisherOptions, 'previous'>): Promise<TrainingProgressPublisher> {
    // Progress is for people watching: an unreadable object starts fresh rather than failing the run.
    const stored = await readJsonIfExists<unknown>(bucket, trainingProgressKey(options.runId)).catch(() => undefined);
    const previous = isTrainingProgress(stored, options.runId) ? stored : undefined;
    return new TrainingProgressPublisher(bucket, log, { ...options, ...(previous ? { previous } : {}) });
  }

  /** The progress as it stands (a copy). */
  get snapshot(): TrainingProgress {
    return { ...this.doc, points: [...this.doc.points], history: [...this.doc.history] };
  }

  /** After each optimizer step. Writes when the interval has passed. */
  batch(p: BatchProgress): void {
    const time = this.now();
    const d = this.doc;
    Object.assign(d, { step: p.step, epoch: p.epoch, epochs: p.epochs, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch, loss: p.loss, accuracy: p.accuracy });
    d.totalSteps = p.epochs * p.batchesPerEpoch;
    if (time - this.lastWrite < this.everyMs) return;
    this.measureRate(time);
    this.addPoint(time);
    this.publish(time);
  }

  /** At each epoch end: always written. */
  epoch(record: EpochRecord): void {
    const time = this.now();
    this.doc.history.push({ ...record });
    this.doc.loss = record.loss;
    this.doc.accuracy = record.accuracy;
    this.measureRate(time);
    this.addPoint(time);
    this.publish(time);
  }

  /** The run ended here (`finished`, with its version), continues elsewhere, or failed; written, and awaited. */
  async end(state: 'continuing' | 'finished' | 'failed', version?: string): Promise<void> {
    this.doc.state = state;
    if (version) this.doc.version = version;
    if (state === 'finished') this.doc.etaSeconds = 0;
    this.publish(this.now());
    await this.flush();
  }

  /** Wait until nothing is being written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private measureRate(time: number): void {
    const d = this.doc;
    const mark = this.rateMark;
    if (mark && time > mark.time && d.step > mark.step) {
      const stepsPerSecond = ((d.step - mark.step) * 1000) / (time - mark.time);
      d.samplesPerSecond = Math.round(stepsPerSecond * this.options.batchSize);
      d.etaSeconds = Math.max(0, Math.round((d.totalSteps - d.step) / stepsPerSecond));
    }
    this.rateMark = { step: d.step, time };
  }

  private addPoint(time: number): void {
    const points = this.doc.points;
    const last = points[points.length - 1];
    const point = { step: this.doc.step, loss: this.doc.loss, accuracy: this.doc.accuracy, time };
    if (last?.step === point.step) points[points.length - 1] = point;
    else points.push(point);
    if (points.length > MAX_PROGRESS_POINTS) this.doc.points = points.filter((_, i) => i % 2 === 1 || i === points.length - 1);
  }

  private publish(time: number): void {
    this.lastWrite = time;
    this.doc.updatedAt = new Date(time).toISOString();
    if (this.writing) {
      this.pending = true;
      return;
    }
    const body = JSON.stringify(this.doc);
    this.writing = this.bucket
      .put(trainingProgressKey(this.options.runId), body, { contentType: 'application/json' })
      .then(
        () => undefined,
        (err: unknown) => this.log.warn('training progress not published', { err }),
      )
      .finally(() => {
        this.writing = undefined;
        if (this.pending) {
          this.pending = false;
          this.publish(this.lastWrite);
        }
      });
  }
}

/**
 * Whether a stored object is a run's progress in the shape this module writes
 * (and, with `runId`, that run's): anyone who can write the bucket can put
 * anything at a progress key, and readers should neither crash nor draw it.
 */
function isTrainingProgress(doc: unknown, runId?: string): doc is TrainingProgress {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Partial<Record<keyof TrainingProgress, unknown>>;
  const numbers = (o: unknown, keys: readonly string[]) => typeof o === 'object' && o !== null && keys.every((k) => Number.isFinite((o as Record<string, unknown>)[k]));
  return (
    d.format === 'polyfaas.train-progress/v1' &&
    typeof d.runId === 'string' &&
    (runId === undefined || d.runId === runId) &&
    ['step', 'totalSteps', 'epoch', 'epochs', 'batch', 'batchesPerEpoch', 'loss', 'accuracy'].every((k) => Number.isFinite(d[k as keyof TrainingProgress])) &&
    Array.isArray(d.points) &&
    d.points.length <= MAX_PROGRESS_POINTS &&
    d.points.every((p) => numbers(p, ['step', 'loss', 'accuracy', 'time'])) &&
    Array.isArray(d.history) &&
    d.history.every((h) => numbers(h, ['epoch', 'loss', 'accuracy', 'seconds']))
  );
}
