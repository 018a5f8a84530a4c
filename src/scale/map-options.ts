import { PolyfaasError } from '../errors.js';
import type { Bucket } from '../storage/types.js';
import type { Invoker } from './invoker.js';

/** When an item counts as a straggler and gets a backup launch. */
export interface StragglerOptions {
  /** A launch running longer than `factor` × the median completed launch gets a backup. Default 3. */
  readonly factor?: number;
  /** Completed launches needed before the median means anything. Default 5. */
  readonly minSamples?: number;
  /** Never back up a launch younger than this, in ms. Default 0. */
  readonly minMs?: number;
  /** How often running launches are checked, in ms. Default 20. */
  readonly checkMs?: number;
}

/** Options of {@link map}. */
export interface MapOptions {
  /** How the function is reached. */
  readonly invoker: Invoker;
  /** Where large items, committed results and failure records go; the function must see the same store. */
  readonly bucket: Bucket;
  /** Items in flight at once. Default 64. */
  readonly concurrency?: number;
  /** Further launches of an item after a retryable failure. Default 2. */
  readonly retries?: number;
  /** First backoff before a retry, in ms; doubles per retry, with jitter. Default 50. */
  readonly backoffMs?: number;
  /** Epoch ms by which the map settles; items not done then fail with `DeadlineExceeded`. */
  readonly deadline?: number;
  /** Items and results whose JSON exceeds this many bytes go through the bucket. Default 64 KiB. */
  readonly inlineLimit?: number;
  /** Straggler mitigation; `false` turns it off. */
  readonly stragglers?: StragglerOptions | false;
  /** Key prefix of the map's records in the bucket. Default `_polyfaas/map`. */
  readonly prefix?: string;
  /** The map's id (a fresh UUID by default); the same id reuses results already committed. */
  readonly id?: string;
  /** How often an `enqueue` invoker's results are looked for, in ms. Default 100. */
  readonly pollMs?: number;
  /** Aborts the map: unfinished items fail with `Unavailable`. */
  readonly signal?: AbortSignal;
}

/** Options with defaults applied and checked. */
export interface ResolvedMapOptions {
  readonly concurrency: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly deadline: number;
  readonly inlineLimit: number;
  readonly stragglers: Required<StragglerOptions> | false;
  readonly prefix: string;
  readonly pollMs: number;
}

/** Apply defaults; a nonsensical option is `InvalidArgument` before anything is invoked. */
export function resolveMapOptions(options: MapOptions): ResolvedMapOptions {
  const concurrency = options.concurrency ?? 64;
  const retries = options.retries ?? 2;
  positiveInteger('concurrency', concurrency);
  if (!(Number.isInteger(retries) && retries >= 0)) throw new PolyfaasError('InvalidArgument', `retries must be a non-negative integer, got ${retries}`);
  const s = options.stragglers === false ? false : { factor: 3, minSamples: 5, minMs: 0, checkMs: 20, ...(options.stragglers ?? {}) };
  if (s && !(s.factor > 1)) throw new PolyfaasError('InvalidArgument', `stragglers.factor must be above 1, got ${s.factor}`);
  if (s) positiveInteger('stragglers.checkMs', s.checkMs);
  const prefix = (options.prefix ?? '_polyfaas/map').replace(/\/+$/, '');
  if (!prefix) throw new PolyfaasError('InvalidArgument', 'prefix must not be empty');
  return {
    concurrency,
    retries,
    backoffMs: options.backoffMs ?? 50,
    deadline: options.deadline ?? Infinity,
    inlineLimit: options.inlineLimit ?? 64 * 1024,
    stragglers: s,
    prefix,
    pollMs: options.pollMs ?? 100,
  };
}

function positiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) throw new PolyfaasError('InvalidArgument', `${name} must be a positive integer, got ${value}`);
}
