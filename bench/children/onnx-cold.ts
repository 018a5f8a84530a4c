/**
 * Child of bench/onnx-serving.ts: one cold start of a Predictor in a fresh
 * process — import polyfaas, pick the tfjs backend, load the production model
 * of `<model>` from a FileBucket at `<dir>` and run the first prediction —
 * then print `{ loadMs, firstPredictMs }` (from the first line of this script).
 *
 * Usage: node --import tsx bench/children/onnx-cold.ts <dir> <model> <onnx|tfjs>
 */
const start = performance.now();
const [dir, model, kind] = process.argv.slice(2);
if (!dir || !model || (kind !== 'onnx' && kind !== 'tfjs')) throw new Error('usage: onnx-cold.ts <dir> <model> <onnx|tfjs>');
const { FileBucket } = await import('../../adapters/local/index.js');
const { ModelStore, Predictor, initBackend } = await import('../../src/model/index.js');
if (kind === 'onnx') (await import('../../src/model/model-import.js')).useOnnx();
await initBackend({ logger: () => undefined });
const predictor = new Predictor({ store: new ModelStore(new FileBucket(dir), { signing: false }), name: model, warmup: false });
await predictor.load();
const loaded = performance.now();
const { probabilities } = await predictor.predict(new Float32Array(28 * 28));
const done = performance.now();
if (probabilities[0]?.length !== 10) throw new Error('unexpected output');
console.log(JSON.stringify({ loadMs: loaded - start, firstPredictMs: done - start }));
predictor.dispose();
