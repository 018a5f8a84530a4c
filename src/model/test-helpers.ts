import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { PolyfaasError } from '../errors.js';

/** Test helper: 6 inputs shaped [2,3] → 3 classes; different seeds give different predictions. */
export function tinyModel(seed = 1): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.flatten({ inputShape: [2, 3] }));
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  return model;
}

/** Test helper: the `PolyfaasError` a promise rejects with (the assertion fails if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<PolyfaasError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolyfaasError);
  return err as PolyfaasError;
}
