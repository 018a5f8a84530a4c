import { describe, expect, it } from 'vitest';
import type { TensorSpec, WeightSnapshot } from './checkpoint.js';
import { blobFloats } from './checkpoint.js';
import type { WorkerWeights } from './weight-average.js';
import { applyServerMomentum } from './weight-average.js';

const spec = (group: TensorSpec['group'], name: string, offset: number, length: number): TensorSpec => ({ group, name, shape: [length], offset, length });
const snapshot = (tensors: TensorSpec[], values: number[]): WeightSnapshot => ({ tensors, blob: new Uint8Array(new Float32Array(values).buffer) });

describe('applyServerMomentum', () => {
  const average = snapshot([spec('model', 'w0', 0, 2), spec('optimizer', 'm', 2, 1)], [3, 5, 9]);

  it('without momentum so far, moves to the average and records the step as momentum', () => {
    const previous: WorkerWeights = { tensors: [spec('model', 'w0', 0, 2)], floats: new Float32Array([1, 1]) };
    const out = applyServerMomentum(average, previous, 0.5);
    const floats = blobFloats(out.blob);
    // Model: previous + (average − previous); optimizer passes through; momentum = average − previous.
    expect([...floats]).toEqual([3, 5, 9, 2, 4]);
    expect(out.tensors.map((t) => [t.group, t.name, t.offset])).toEqual([['model', 'w0', 0], ['optimizer', 'm', 2], ['momentum', 'm:w0', 3]]);
  });

  it('adds beta times the previous momentum to the round’s step', () => {
    const previous: WorkerWeights = { tensors: [spec('model', 'w0', 0, 2), spec('momentum', 'm:w0', 2, 2)], floats: new Float32Array([1, 1, 2, -2]) };
    const floats = blobFloats(applyServerMomentum(average, previous, 0.5).blob);
    // v = 0.5·[2, −2] + [2, 4] = [3, 3]; model = [1, 1] + v.
    expect([...floats]).toEqual([4, 4, 9, 3, 3]);
  });

  it('refuses a momentum outside [0, 1) and a previous model of another shape', () => {
    const previous: WorkerWeights = { tensors: [spec('model', 'w0', 0, 2)], floats: new Float32Array([1, 1]) };
    expect(() => applyServerMomentum(average, previous, 1)).toThrow(/momentum/);
    expect(() => applyServerMomentum(average, { tensors: [spec('model', 'w0', 0, 1)], floats: new Float32Array([1]) }, 0.5)).toThrow(/w0/);
  });
});
