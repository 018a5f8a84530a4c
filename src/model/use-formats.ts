import { loadGraphRunner } from './graph-runner.js';
import { registerModelFormat } from './model-formats.js';
import { ONNX_FILE, onnxRunner, openOnnxModel } from './onnx-runner.js';

/**
 * Let {@link Predictor} serve imported ONNX models (ONNX Runtime Web, WASM,
 * one thread). Call once at start-up in every app that serves them; the
 * `onnxruntime-web` optional peer must be installed, and `polyfaas bundle`
 * then ships its WebAssembly file beside the function.
 *
 * @example
 * ```ts
 * import { useOnnx } from 'polyfaas/model';
 * useOnnx();
 * ```
 */
export function useOnnx(): void {
  registerModelFormat('onnx', async (opened) =>
    onnxRunner(await openOnnxModel(await opened.readFile(ONNX_FILE)), { channelsFirst: opened.info.channelsFirst === true }),
  );
}

/**
 * Let {@link Predictor} serve imported tfjs graph models (converted from
 * TensorFlow); needs the `@tensorflow/tfjs-converter` optional peer.
 */
export function useTfjsGraph(): void {
  registerModelFormat('tfjs-graph', (opened) => loadGraphRunner(opened.ioHandler()));
}
