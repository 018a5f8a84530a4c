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

/**
 * Server momentum over rounds (SlowMo, Wang et al. 2020; FedAvgM, Hsu et al.
 * 2019): the round's change of the model weights, `average − previous`, is
 * treated as a pseudo-gradient and accumulated with momentum `beta`, so
 * `v ← beta·v + (average − previous)` and the next model is `previous + v`.
 * With K workers each taking 1/K of the sequential steps, plain averaging
 * moves the model about as far per round as one worker's 1/K-length walk;
 * momentum carries the consistent part of the direction across rounds.
 * `v` travels in the round model as `momentum` tensors (absent: zero).
 * Optimizer tensors of `average` pass through unchanged.
 */
export function applyServerMomentum(average: WeightSnapshot, previous: WorkerWeights, beta: number): WeightSnapshot {
  if (!(beta >= 0 && beta < 1)) throw new PolyfaasError('InvalidArgument', `server momentum must be in [0, 1), got ${beta}`);
  const avg = new Float32Array(average.blob.buffer, average.blob.byteOffset, average.blob.byteLength / 4);
  const byName = (group: TensorSpec['group']) => new Map(previous.tensors.filter((t) => t.group === group).map((t) => [t.name, t]));
  const prevModel = byName('model');
  const prevMomentum = byName('momentum');
  const model = average.tensors.filter((t) => t.group === 'model');
  const total = average.tensors.reduce((n, t) => n + t.length, 0) + model.reduce((n, t) => n + t.length, 0);
  const out = new Float32Array(total);
  const tensors: TensorSpec[] = [];
  let at = 0;
  const momentum: { spec: TensorSpec; values: Float32Array }[] = [];
  for (const spec of average.tensors) {
    const src = avg.subarray(spec.offset, spec.offset + spec.length);
    const prev = spec.group === 'model' ? prevModel.get(spec.name) : undefined;
    if (spec.group === 'model' && (!prev || prev.length !== spec.length)) throw new PolyfaasError('InvalidArgument', `previous round model has no weight ${spec.name} of ${spec.length} values`);
    if (!prev) {
      out.set(src, at);
    } else {
      const p = previous.floats.subarray(prev.offset, prev.offset + prev.length);
      const vSpec = prevMomentum.get(`m:${spec.name}`);
      const v0 = vSpec ? previous.floats.subarray(vSpec.offset, vSpec.offset + vSpec.length) : undefined;
      const v = new Float32Array(spec.length);
      for (let i = 0; i < spec.length; i++) {
        const vi = beta * (v0 ? (v0[i] as number) : 0) + ((src[i] as number) - (p[i] as number));
        v[i] = vi;
        out[at + i] = (p[i] as number) + vi;
      }
      momentum.push({ spec: { group: 'momentum', name: `m:${spec.name}`, shape: [...spec.shape], offset: 0, length: spec.length }, values: v });
    }
    tensors.push({ ...spec, shape: [...spec.shape], offset: at });
    at += spec.length;
  }
  for (const m of momentum) {
    out.set(m.values, at);
    tensors.push({ ...m.spec, offset: at });
    at += m.spec.length;
  }
  return { tensors, blob: new Uint8Array(out.buffer, 0, at * 4) };
}
