import { PolyfaasError } from '../../src/index.js';

/** How the learning rate changes over the epochs of a run. */
export interface LearningRateSchedule {
  /** Peak rate. */
  readonly learningRate: number;
  readonly epochs: number;
  /**
   * `exponential` (default): multiply by `decay` after every epoch.
   * `cosine`: follow half a cosine from the peak down to zero over the run (after any warm-up).
   */
  readonly schedule?: 'exponential' | 'cosine';
  /** Per-epoch factor of `exponential`. Default 1 (constant). */
  readonly decay?: number;
  /** Epochs of linear warm-up to the peak (rates peak/(w+1), 2·peak/(w+1), …). Default 0. */
  readonly warmupEpochs?: number;
}

/**
 * The learning rate for `epoch` (0-based). A function of the epoch alone, so a
 * run resumed from a checkpoint uses exactly the rate the uninterrupted run would.
 *
 * @example
 * ```ts
 * learningRateAt({ learningRate: 0.002, epochs: 20, schedule: 'cosine', warmupEpochs: 1 }, 0); // 0.001
 * ```
 */
export function learningRateAt(s: LearningRateSchedule, epoch: number): number {
  const warmup = s.warmupEpochs ?? 0;
  if (epoch < warmup) return (s.learningRate * (epoch + 1)) / (warmup + 1);
  if (s.schedule === 'cosine') {
    const span = Math.max(1, s.epochs - warmup);
    // Sampled at the epoch's start; the last epoch still trains at a small positive rate.
    return s.learningRate * 0.5 * (1 + Math.cos((Math.PI * (epoch - warmup)) / span));
  }
  return s.learningRate * (s.decay ?? 1) ** (epoch - warmup);
}

/** @throws PolyfaasError `InvalidArgument` for an unknown schedule or a negative warm-up. */
export function checkSchedule(s: LearningRateSchedule): void {
  if (s.schedule !== undefined && s.schedule !== 'exponential' && s.schedule !== 'cosine') {
    throw new PolyfaasError('InvalidArgument', `training.schedule must be "exponential" or "cosine"`);
  }
  const warmup = s.warmupEpochs ?? 0;
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new PolyfaasError('InvalidArgument', 'training.warmupEpochs must be a non-negative integer');
}
