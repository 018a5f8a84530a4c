/**
 * Attribute validation shared by the convolution gradient kernels.
 */
import { backendError } from '../backend-error.js';
import { pair } from './wasm-heap.js';

/**
 * Rejects NCHW input: the WASM backend's forward Conv2D (which we delegate to)
 * only supports NHWC, so failing early gives a clearer message.
 */
export function assertChannelsLast(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw backendError(
      'InvalidArgument',
      `${kernelName} on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'`,
    );
  }
}

/**
 * Rejects dilation rates other than 1. tfjs' own gradient functions refuse
 * them too, so this only triggers on direct kernel calls; the explicit error
 * beats silently returning wrong numbers.
 */
export function assertNoDilation(
  kernelName: string,
  dilations: number | readonly number[] | undefined,
): void {
  const [dh, dw] = pair(dilations);
  if (dh !== 1 || dw !== 1) {
    throw backendError(
      'InvalidArgument',
      `${kernelName} on wasm supports dilations of 1 only, got [${dh}, ${dw}]`,
    );
  }
}
