import { importedFields, invalid, resolveInputShape, runOnZeros, type ImportModelOptions } from './import-options.js';
import type { ModelVersionInfo } from './manifest.js';
import { ONNX_FILE, onnxRunner, openOnnxModel, type OnnxDim } from './onnx-runner.js';
import type { ModelStore } from './store.js';

/**
 * Store an ONNX model (`.onnx` bytes, e.g. from `torch.onnx.export`) as a new
 * version of `options.name`: opened with ONNX Runtime, run once on zeros of
 * the input shape to learn its output size, then saved (signed when the store
 * has a signing key) with its input shape, labels and preprocessing.
 *
 * @param source a name for the manifest's `metadata.imported.source`, e.g. the file name.
 * @throws `InvalidArgument` for bytes ONNX Runtime cannot load, a model that does not run
 *   on its input shape, a fixed batch size other than 1, or labels / input shape that do not fit.
 * @throws `Unavailable` when `onnxruntime-web` is not installed.
 */
export async function importOnnx(store: ModelStore, bytes: Uint8Array, options: ImportModelOptions, source = ONNX_FILE): Promise<ModelVersionInfo> {
  const model = await openOnnxModel(bytes);
  try {
    const [batch, ...example] = model.inputDims;
    if (batch === undefined) throw invalid('The ONNX model takes a scalar input; it needs a batch dimension');
    if (typeof batch === 'number' && batch !== 1) {
      throw invalid(`The ONNX model's batch dimension is fixed at ${batch}; export it with a dynamic batch axis (or batch 1)`, { batch });
    }
    const channelsFirst = options.channelsFirst ?? looksChannelsFirst(example);
    if (channelsFirst && example.length !== 3) throw invalid(`channelsFirst needs a [C, H, W] input; the model takes [${example.join(',')}]`);
    const declared = (channelsFirst ? [example[1], example[2], example[0]] : example).map(known);
    const inputShape = resolveInputShape(declared, options.inputShape);
    const outputSize = await runOnZeros(onnxRunner(model, { channelsFirst }), inputShape, 'ONNX');
    const fields = importedFields('onnx', { inputShape, outputSize }, options, source);
    return await store.saveFiles(options.name, [{ path: ONNX_FILE, bytes }], { ...fields, ...(channelsFirst ? { channelsFirst } : {}) });
  } finally {
    void model.session.release().catch(() => undefined);
  }
}

/** PyTorch's image layout: `[1 or 3, H, W]` with real image sizes (a `[3, 4, 4]` tensor is more likely not an image). */
function looksChannelsFirst(example: readonly OnnxDim[]): boolean {
  const [c, h, w] = example;
  return example.length === 3 && (c === 1 || c === 3) && (typeof h !== 'number' || h >= 8) && (typeof w !== 'number' || w >= 8) && w !== 1 && w !== 3;
}

function known(dim: OnnxDim | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}
