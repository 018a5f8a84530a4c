import { PolyfaasError } from '../errors.js';
import type { ModelFormat } from './manifest.js';
import type { ModelRunner } from './runner.js';
import type { OpenedVersion } from './store.js';

/** Turns an opened (verified) version into a runner. */
export type RunnerLoader = (opened: OpenedVersion) => Promise<ModelRunner>;

/** How to enable each optional format; named in the error when a version needs it. */
const ENABLE: Record<Exclude<ModelFormat, 'tfjs-layers'>, string> = {
  onnx: 'useOnnx() (polyfaas/model; needs onnxruntime-web)',
  'tfjs-graph': 'useTfjsGraph() (polyfaas/model; needs @tensorflow/tfjs-converter)',
};

const loaders = new Map<ModelFormat, RunnerLoader>();

/**
 * Make a format servable. Formats other than tfjs Layers are opt-in so that
 * apps which never serve them do not bundle their runtimes (ONNX Runtime's
 * 14 MB WebAssembly, tfjs-converter's 570 KB): `useOnnx()` and `useTfjsGraph()` call this.
 */
export function registerModelFormat(format: Exclude<ModelFormat, 'tfjs-layers'>, loader: RunnerLoader): void {
  loaders.set(format, loader);
}

/**
 * The loader registered for `format`.
 *
 * @throws `Unimplemented` naming the call that enables it.
 */
export function runnerLoader(format: Exclude<ModelFormat, 'tfjs-layers'>, model: string): RunnerLoader {
  const loader = loaders.get(format);
  if (!loader) {
    throw new PolyfaasError('Unimplemented', `Model ${model} is a ${format} model; this app does not serve ${format} models: call ${ENABLE[format]} at start-up`, {
      details: { format },
    });
  }
  return loader;
}
