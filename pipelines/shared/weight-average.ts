import { PolyfaasError } from '../../src/index.js';
import type { TensorSpec, WeightSnapshot } from './checkpoint.js';

/**
 * What becomes of the optimizer state (Adam's moment estimates and step
 * count) between rounds: averaged like the weights, or dropped so every
 * round's workers start the optimizer afresh.
 */
export type RoundOptimizerState = 'average' | 'reset';

/** One worker's result: the layout of its snapshot and its floats. */
export interface WorkerWeights {
  readonly tensors: readonly TensorSpec[];
  readonly floats: Float32Array;
}

/**
 * The element-wise mean of the workers' weights — every model weight,
 * trainable or not (batch-norm moving statistics too), and the optimizer
 * state or none of it. Summed in float64 in the order given, so the same
 * inputs give the same bits on every machine.
 */
export function averageWeights(workers: readonly WorkerWeights[], optimizer: RoundOptimizerState): WeightSnapshot {
  const first = workers[0];
  if (!first) throw new PolyfaasError('InvalidArgument', 'nothing to average');
  const keep = first.tensors.filter((t) => t.group === 'model' || optimizer === 'average');
  for (const w of workers) {
    if (w.tensors.length !== first.tensors.length || w.tensors.some((t, i) => t.length !== first.tensors[i]?.length || t.group !== first.tensors[i]?.group)) {
      throw new PolyfaasError('InvalidArgument', 'workers returned weights of different shapes');
    }
  }
  const total = keep.reduce((n, t) => n + t.length, 0);
  const out = new Float32Array(total);
  const sum = new Float64Array(total);
  const tensors: TensorSpec[] = [];
  let at = 0;
  for (const spec of keep) {
    tensors.push({ ...spec, shape: [...spec.shape], offset: at });
    for (const w of workers) {
      const src = w.floats.subarray(spec.offset, spec.offset + spec.length);
      for (let i = 0; i < spec.length; i++) sum[at + i] = (sum[at + i] as number) + (src[i] as number);
    }
    at += spec.length;
  }
  for (let i = 0; i < total; i++) out[i] = (sum[i] as number) / workers.length;
  return { tensors, blob: new Uint8Array(out.buffer) };
}
