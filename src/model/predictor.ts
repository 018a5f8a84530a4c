import * as tf from '@tensorflow/tfjs-core';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { ModelVersionInfo } from './manifest.js';
import { openRunner } from './open-runner.js';
import { toBatchTensor, type PredictInput } from './predict-input.js';
import { ServedModel } from './served-model.js';
import type { ModelStore } from './store.js';
import { assertName } from './version-id.js';

/** Options for {@link Predictor}. */
export interface PredictorOptions {
  /** Where the model lives. */
  store: ModelStore;
  /** Model name in the store. */
  name: string;
  /** Alias to serve. Default `production`. */
  alias?: string;
  /** Minimum time between checks for a moved alias, ms. Default 30 000. */
  refreshIntervalMs?: number;
  /** Run one prediction on zeros right after loading, so the first request does not pay for kernel set-up. Default `true`. */
  warmup?: boolean;
  /** Clock in ms; tests pass a fake one. Default `Date.now`. */
  now?: () => number;
  /** Where swaps and background refresh failures are reported. Default: a logger with `component: 'predictor'`. */
  logger?: Logger;
}

/** Options for {@link Predictor.predict}. */
export interface PredictOptions {
  /** Number of examples in flat (`Float32Array` / `number[]`) input. Default 1. */
  batch?: number;
}

/** What {@link Predictor.predict} returns. */
export interface Prediction {
  /** One output vector per example (class probabilities for a softmax classifier). */
  readonly probabilities: Float32Array[];
  /** The model version that produced them; report it so results are traceable. */
  readonly version: string;
}

/**
 * Serves the model an alias points to, and follows the alias when it moves —
 * without any request waiting for the new model to load.
 *
 * Call {@link load} from a function's `init`; {@link predict} then checks the
 * alias at most once per `refreshIntervalMs` (one `head` request), loads a new
 * version in the background and swaps it in atomically. Predictions already
 * running finish on the old model, which is disposed only afterwards.
 *
 * Uses whatever tfjs backend is active: select it (e.g. `initBackend()`) before `load`.
 *
 * @example
 * ```ts
 * export default defineFunction({
 *   trigger: { http: { path: '/predict', method: 'POST' } },
 *   async init({ buckets }) {
 *     const predictor = new Predictor({ store: new ModelStore(buckets.models), name: 'mnist' });
 *     await predictor.load();
 *     return predictor;
 *   },
 *   async handler(req, ctx, predictor) {
 *     const { probabilities, version } = await predictor.predict(new Float32Array(await req.arrayBuffer()));
 *     return json({ version, probabilities: Array.from(probabilities[0]!) });
 *   },
 * });
 * ```
 */
export class Predictor {
  private readonly store: ModelStore;
  private readonly name: string;
  private readonly alias: string;
  private readonly refreshIntervalMs: number;
  private readonly warmup: boolean;
  private readonly now: () => number;
  private readonly log: Logger;

  private current: ServedModel | undefined;
  private loading: Promise<ModelVersionInfo> | undefined;
  private refreshing: Promise<boolean> | undefined;
  private lastCheck = 0;
  private disposed = false;

  constructor(options: PredictorOptions) {
    assertName('model', options.name);
    this.alias = options.alias ?? 'production';
    assertName('alias', this.alias);
    this.store = options.store;
    this.name = options.name;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 30_000;
    this.warmup = options.warmup ?? true;
    this.now = options.now ?? Date.now;
    this.log = options.logger ?? createLogger({ fields: { component: 'predictor', model: this.name, alias: this.alias } });
  }

  /** The version being served, once loaded. */
  get version(): string | undefined {
    return this.current?.info.version;
  }

  /** Class names of the served version, in output order. */
  get labels(): readonly string[] | undefined {
    return this.current?.info.labels;
  }

  /** Shape of one example the served version expects, without the batch dimension. */
  get inputShape(): readonly number[] | undefined {
    return this.current?.info.inputShape;
  }

  /** The full manifest of the served version. */
  get info(): ModelVersionInfo | undefined {
    return this.current?.info;
  }

  /**
   * Load the aliased model and warm it up. Safe to call repeatedly and
   * concurrently: the model is loaded once. A failed load is retried by the
   * next call.
   *
   * @throws `Unavailable` (HTTP 503) if the alias or its version does not exist or cannot be loaded; the store's error is the `cause`.
   */
  load(): Promise<ModelVersionInfo> {
    if (this.disposed) return Promise.reject(disposedError());
    if (this.current) return Promise.resolve(this.current.info);
    this.loading ??= this.loadInitial().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /**
   * Run the model on `input`: one example by default, or `batch` examples
   * laid out one after another. Loads the model first if {@link load} was not
   * called, and kicks off {@link refreshIfDue} without waiting for it.
   *
   * @throws `InvalidArgument` if the input's size, shape or dtype is wrong, e.g.
   *   `expected input shape [28,28,1] (784 values), received 100 values`.
   * @throws `Unavailable` if there is no model to serve.
   *
   * @example
   * ```ts
   * const { probabilities, version } = await predictor.predict(pixels);              // 1 example
   * const batch = await predictor.predict(manyPixels, { batch: 32 });                // 32 examples
   * const best = predictor.labels![argMax(probabilities[0]!)];
   * ```
   */
  async predict(input: PredictInput, options: PredictOptions = {}): Promise<Prediction> {
    if (!this.current) await this.load();
    void this.refreshIfDue();
    const served = this.current;
    if (!served || this.disposed) throw disposedError();
    served.acquire();
    try {
      // Validation is the same for every format: the runner only ever sees a well-formed batch.
      const batch = tf.tidy(() => toBatchTensor(input, served.info.inputShape, options.batch));
      try {
        const { values, examples } = await served.runner.run(batch);
        const width = values.length / examples;
        const probabilities = Array.from({ length: examples }, (_, i) => values.slice(i * width, (i + 1) * width));
        return { probabilities, version: served.info.version };
      } finally {
        if (batch !== input) batch.dispose();
      }
    } finally {
      served.release();
    }
  }

  /**
   * If `refreshIntervalMs` passed since the last check, check whether the
   * alias moved (one `head` request) and, if so, load and warm up the new
   * version, then swap it in. Never throws: failures are logged and the
   * current model keeps serving; the next check happens an interval later.
   *
   * @returns `true` if a new version was swapped in.
   */
  refreshIfDue(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    if (!this.current || this.disposed || this.now() - this.lastCheck < this.refreshIntervalMs) return Promise.resolve(false);
    this.lastCheck = this.now();
    this.refreshing = this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Free the model. In-flight predictions finish first; later calls fail with `Unavailable`. */
  dispose(): void {
    this.disposed = true;
    this.current?.retire();
    this.current = undefined;
  }

  private async loadInitial(): Promise<ModelVersionInfo> {
    let served: ServedModel;
    let signedBy: string | undefined;
    try {
      const loaded = await openRunner(this.store, this.name, { alias: this.alias });
      signedBy = loaded.signedBy;
      served = new ServedModel(loaded.runner, loaded.info, loaded.alias?.etag);
      await this.warmUp(served);
    } catch (err) {
      this.alertIfTampered(err, undefined);
      throw new PolyfaasError('Unavailable', `No model to serve for ${this.name}@${this.alias}: ${(err as Error).message}`, {
        cause: err,
        details: { name: this.name, alias: this.alias, reason: isPolyfaasError(err) ? err.code : 'Internal' },
      });
    }
    if (this.disposed) {
      served.retire();
      throw disposedError();
    }
    this.current = served;
    this.lastCheck = this.now();
    this.log.info('model loaded', { version: served.info.version, ...(signedBy ? { signedBy } : {}) });
    return served.info;
  }

  private async refresh(): Promise<boolean> {
    const current = this.current;
    if (!current) return false;
    try {
      const etag = await this.store.aliasEtag(this.name, this.alias);
      // A deleted alias is an operator mistake, not a reason to stop serving.
      if (etag === undefined || etag === current.aliasEtag) return false;
      const alias = await this.store.resolveAlias(this.name, this.alias);
      if (alias.version === current.info.version) {
        current.aliasEtag = alias.etag;
        return false;
      }
      const loaded = await openRunner(this.store, this.name, { version: alias.version });
      const next = new ServedModel(loaded.runner, loaded.info, alias.etag);
      try {
        await this.warmUp(next);
      } catch (err) {
        next.retire();
        throw err;
      }
      if (this.disposed || this.current !== current) {
        next.retire();
        return false;
      }
      this.current = next;
      current.retire();
      this.log.info('model swapped', { from: current.info.version, to: next.info.version, ...(loaded.signedBy ? { signedBy: loaded.signedBy } : {}) });
      return true;
    } catch (err) {
      if (!this.alertIfTampered(err, current.info.version)) {
        this.log.warn('model refresh failed; still serving the current version', { version: current.info.version, error: err });
      }
      return false;
    }
  }

  /**
   * Log an `error` record with `alert: 'model-integrity'` when the store
   * refused a model or alias as unsigned, untrusted, tampered with or rolled
   * back (`Forbidden`) — or, when the store verifies signatures, a file that
   * differs from its signed digest (`DataLoss`): someone may have written the
   * bucket who should not have. Repeats at every refresh until the alias is fixed.
   */
  private alertIfTampered(err: unknown, serving: string | undefined): boolean {
    if (!isPolyfaasError(err, 'Forbidden') && !(isPolyfaasError(err, 'DataLoss') && this.store.trust.verifies)) return false;
    this.log.error(serving ? 'ALERT: model refused; still serving the last good version' : 'ALERT: model refused; nothing to serve', {
      alert: 'model-integrity',
      code: err.code,
      reason: err.details?.reason ?? err.code,
      ...(serving ? { version: serving } : {}),
      error: err,
    });
    return true;
  }

  private async warmUp(served: ServedModel): Promise<void> {
    if (!this.warmup) return;
    const zeros = tf.zeros([1, ...served.info.inputShape]);
    try {
      await served.runner.run(zeros);
    } finally {
      zeros.dispose();
    }
  }
}

function disposedError(): PolyfaasError {
  return new PolyfaasError('Unavailable', 'The predictor was disposed');
}

