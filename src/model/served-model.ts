import type { ModelVersionInfo } from './manifest.js';
import type { ModelRunner } from './runner.js';

/**
 * A loaded model plus the bookkeeping that lets a predictor swap it out
 * without pulling weights from under a running prediction: it is disposed
 * only once it is retired AND no prediction holds it.
 */
export class ServedModel {
  private inFlight = 0;
  private retired = false;
  private disposed = false;

  constructor(
    /** Runs the model, whatever its format. */
    readonly runner: ModelRunner,
    readonly info: ModelVersionInfo,
    /** Etag of the alias object when this version was read from it. */
    public aliasEtag: string | undefined,
  ) {}

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
      this.runner.dispose();
    }
  }
}
