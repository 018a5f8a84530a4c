import type * as tfl from '@tensorflow/tfjs-layers';
import type { Forward } from './forward.js';
import { forwardFor } from './forward.js';
import type { ModelVersionInfo } from './manifest.js';

/**
 * A loaded model plus the bookkeeping that lets a predictor swap it out
 * without pulling weights from under a running prediction: it is disposed
 * only once it is retired AND no prediction holds it.
 */
export class ServedModel {
  private inFlight = 0;
  private retired = false;
  private disposed = false;
  /** Runs one inference pass (the layer-chain fast path where the model allows it). */
  readonly forward: Forward;

  constructor(
    readonly model: tfl.LayersModel,
    readonly info: ModelVersionInfo,
    /** Etag of the alias object when this version was read from it. */
    public aliasEtag: string | undefined,
  ) {
    this.forward = forwardFor(model);
  }

  /** Mark a prediction as using this model. Pair with {@link release}. */
  acquire(): void {
    this.inFlight++;
  }

  /** A prediction finished with this model. */
  release(): void {
    this.inFlight--;
    this.disposeIfIdle();
  }

  /** No new predictions will use this model; free it once the current ones finish. */
  retire(): void {
    this.retired = true;
    this.disposeIfIdle();
  }

  /** Predictions currently using this model. */
  get activePredictions(): number {
    return this.inFlight;
  }

  /** True once the weights were freed. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  private disposeIfIdle(): void {
    if (this.retired && this.inFlight === 0 && !this.disposed) {
      this.disposed = true;
      this.model.dispose();
    }
  }
}
